package dev.anonauth.otlp;

/**
 * Why an OTLP request is refused: malformed (400), not permitted (403, thrown by a {@link ResourceCheck}).
 * Control flow without a stack trace; the message is client-facing (from {@code dev.anonauth.http.Messages}).
 */
public final class OtlpException extends Exception {

  private static final long serialVersionUID = 1L;

  private final int status;
  private final String reason;

  public OtlpException(int status, String message) {
    this(status, message, null);
  }

  /** @param reason a machine-readable reason for logs and counters, chosen by the thrower; may be null */
  public OtlpException(int status, String message, String reason) {
    super(message, null, false, false);
    this.status = status;
    this.reason = reason;
  }

  public int status() {
    return status;
  }

  /** The thrower's machine-readable reason, or null (then: malformed). */
  public String reason() {
    return reason;
  }
}
