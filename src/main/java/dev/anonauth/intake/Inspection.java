package dev.anonauth.intake;

import jakarta.servlet.http.HttpServletRequest;

/** The outcome of inspecting an anonymous request. */
public sealed interface Inspection {

  // Machine-readable refusal reasons, for logs and counters (never sent to the client).

  /** An event's agent is not in {@code allow_agent}. */
  String AGENT_NOT_PERMITTED = "agent_not_permitted";
  /** An event's (or the agent-config query's) service is not in {@code allow_service}. */
  String SERVICE_NOT_PERMITTED = "service_not_permitted";
  /** Anonymous source-map uploads are always refused. */
  String SOURCEMAP_DENIED = "sourcemap_denied";
  /** A path that is not an APM endpoint. */
  String UNKNOWN_ENDPOINT = "unknown_endpoint";
  /** Undecodable body, invalid JSON, missing metadata or service name, a body that ended early (400). */
  String MALFORMED = "malformed";
  /** An OTLP request whose Content-Type is neither protobuf nor JSON (415). */
  String UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type";
  /** The body (413) or one event line (400, as the APM Server answers) is over its size limit. */
  String TOO_LARGE = "too_large";

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
   * @param reason one of the reason constants above
   */
  record Refused(int status, String message, String document, String reason) implements Inspection {}
}
