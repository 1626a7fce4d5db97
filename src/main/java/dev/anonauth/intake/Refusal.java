package dev.anonauth.intake;

import java.nio.charset.StandardCharsets;

/**
 * Why a request is refused, thrown inside the intake package and turned into {@link Inspection.Refused}
 * at its edge. Carries no stack trace (it is control flow, and must never reach a client anyway).
 */
final class Refusal extends Exception {

  private static final long serialVersionUID = 1L;

  /** Documents (offending lines) are cut to this many bytes before they are echoed to the client. */
  static final int MAX_DOCUMENT_BYTES = 1024;

  final int status;
  final String document;
  final String reason;

  Refusal(int status, String message, String document, String reason) {
    super(message, null, false, false);
    this.status = status;
    this.document = document;
    this.reason = reason;
  }

  static Refusal badRequest(String message) {
    return new Refusal(400, message, null, Inspection.MALFORMED);
  }

  static Refusal badRequest(String message, byte[] line, int offset, int length) {
    return new Refusal(400, message, document(line, offset, length), Inspection.MALFORMED);
  }

  /** One event line over {@code max_event_size}: 400 as the APM Server answers, counted as too large. */
  static Refusal eventTooLarge(String message, byte[] line, int offset, int length) {
    return new Refusal(400, message, document(line, offset, length), Inspection.TOO_LARGE);
  }

  static Refusal tooLarge(String message) {
    return new Refusal(413, message, null, Inspection.TOO_LARGE);
  }

  static Refusal forbidden(String message, String reason) {
    return new Refusal(403, message, null, reason);
  }

  Inspection.Refused toInspection() {
    return new Inspection.Refused(status, getMessage(), document, reason);
  }

  /** The line as text, cut at {@link #MAX_DOCUMENT_BYTES} (a cut UTF-8 sequence becomes U+FFFD). */
  static String document(byte[] line, int offset, int length) {
    return new String(line, offset, Math.min(length, MAX_DOCUMENT_BYTES), StandardCharsets.UTF_8);
  }
}
