package dev.anonauth.credential;

/** What the credentials of a request amount to. */
public sealed interface Authentication {

  /**
   * The request may go on, unrestricted: no body inspection, no rate limit.
   *
   * @param method {@code none} (auth disabled), {@code secret_token} or {@code api_key}
   */
  record Authenticated(String method) implements Authentication {}

  /** No credentials, and anonymous access is on: the request is inspected and rate limited. */
  record Anonymous() implements Authentication {}

  /**
   * The request is refused at the authentication stage.
   *
   * @param status 401, 403 or 503
   * @param message the client-facing message
   * @param reason a short machine-readable reason, for logs and counters
   */
  record Refused(int status, String message, String reason) implements Authentication {}
}
