package dev.anonauth.intake;

import jakarta.servlet.http.HttpServletRequest;

/** The outcome of inspecting an anonymous request. */
public sealed interface Inspection {

  /**
   * Every event is allowed.
   *
   * @param request what to pass downstream: the original request, or one that replays its buffered body
   * @param events how many events the request carries, for the rate limiter to charge
   */
  record Admitted(HttpServletRequest request, int events) implements Inspection {}

  /**
   * The request must not reach the application.
   *
   * @param status HTTP status (400, 403, 413, ...)
   * @param message the client-facing message (from {@code dev.anonauth.http.Messages})
   * @param document the offending line, or {@code null}
   */
  record Refused(int status, String message, String document) implements Inspection {}
}
