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

  Refusal(int status, String message, String document) {
    super(message, null, false, false);
    this.status = status;
    this.document = document;
  }

  static Refusal badRequest(String message) {
    return new Refusal(400, message, null);
  }

  static Refusal badRequest(String message, byte[] line, int offset, int length) {
    return new Refusal(400, message, document(line, offset, length));
  }

  static Refusal tooLarge(String message) {
    return new Refusal(413, message, null);
  }

  static Refusal forbidden(String message) {
    return new Refusal(403, message, null);
  }

  Inspection.Refused toInspection() {
    return new Inspection.Refused(status, getMessage(), document);
  }

  /** The line as text, cut at {@link #MAX_DOCUMENT_BYTES} (a cut UTF-8 sequence becomes U+FFFD). */
  static String document(byte[] line, int offset, int length) {
    return new String(line, offset, Math.min(length, MAX_DOCUMENT_BYTES), StandardCharsets.UTF_8);
  }
}
