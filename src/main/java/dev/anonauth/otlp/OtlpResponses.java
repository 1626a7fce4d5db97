package dev.anonauth.otlp;

import com.fasterxml.jackson.core.JsonGenerator;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Writes refusals of OTLP/HTTP requests as OTLP/HTTP specifies them: the HTTP status, and a
 * {@code google.rpc.Status} message ({@code code}, {@code message}) in the encoding of the request —
 * protobuf for {@code application/x-protobuf}, JSON otherwise (also for an unsupported content type, so
 * that a person with curl can read it). OpenTelemetry exporters log that message.
 *
 * <p>As the APM Server's responses: {@code X-Content-Type-Options: nosniff}; headers that were set
 * before (a CORS filter's, the rate limiter's {@code Retry-After}) are kept, the response is never reset.
 * A 503 without a {@code Retry-After} gets {@code Retry-After: 1}, which OTLP exporters honour.
 */
public final class OtlpResponses {

  private OtlpResponses() {}

  /**
   * @param closeConnection true when the body may not have been read whole (refusals of the inspection stage)
   */
  public static void writeStatus(
      HttpServletRequest request, HttpServletResponse response, int status, String message, boolean closeConnection)
      throws IOException {
    if (response.isCommitted()) {
      return;
    }
    Encoding encoding = Encoding.of(request.getContentType());
    if (encoding == null) {
      encoding = Encoding.JSON;
    }
    byte[] body = encoding == Encoding.PROTOBUF ? protobufStatus(grpcCode(status), message) : jsonStatus(grpcCode(status), message);
    response.setStatus(status);
    response.setHeader("X-Content-Type-Options", "nosniff");
    if (closeConnection) {
      response.setHeader("Connection", "close");
    }
    if (status == 503 && response.getHeader("Retry-After") == null) {
      response.setHeader("Retry-After", "1");
    }
    response.setContentType(encoding.mediaType);
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }

  /** The google.rpc.Code that says what the HTTP status says. */
  static int grpcCode(int httpStatus) {
    return switch (httpStatus) {
      case 400, 413, 415 -> 3; // INVALID_ARGUMENT
      case 401 -> 16; // UNAUTHENTICATED
      case 403 -> 7; // PERMISSION_DENIED
      case 404 -> 5; // NOT_FOUND
      case 405 -> 12; // UNIMPLEMENTED
      case 429 -> 8; // RESOURCE_EXHAUSTED
      case 503 -> 14; // UNAVAILABLE
      default -> 2; // UNKNOWN
    };
  }

  /** {@code google.rpc.Status}: 1 {@code int32 code}, 2 {@code string message}. */
  static byte[] protobufStatus(int code, String message) {
    byte[] text = message.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(text.length + 12);
    out.write(1 << 3); // field 1, varint
    writeVarint(out, code);
    out.write(2 << 3 | 2); // field 2, length-delimited
    writeVarint(out, text.length);
    out.write(text, 0, text.length);
    return out.toByteArray();
  }

  private static void writeVarint(ByteArrayOutputStream out, long value) {
    while ((value & ~0x7fL) != 0) {
      out.write((int) (value & 0x7f) | 0x80);
      value >>>= 7;
    }
    out.write((int) value);
  }

  static byte[] jsonStatus(int code, String message) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(message.length() + 32);
    try (JsonGenerator generator = JsonRequestWalker.JSON.createGenerator(out)) {
      generator.writeStartObject();
      generator.writeNumberField("code", code);
      generator.writeStringField("message", message);
      generator.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    }
    return out.toByteArray();
  }
}
