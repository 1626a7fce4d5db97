package dev.anonauth.otlp;

/**
 * Why an OTLP request is refused: malformed (400), not permitted (403, thrown by a {@link ResourceCheck}).
 * Control flow without a stack trace; the message is client-facing (from {@code dev.anonauth.http.Messages}).
 */
public final class OtlpException extends Exception {

  private static final long serialVersionUID = 1L;

  private final int status;

  public OtlpException(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
