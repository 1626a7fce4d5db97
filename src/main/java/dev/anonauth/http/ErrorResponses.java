package dev.anonauth.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Writes refusals the way the APM Server does (REFERENCE §7): {@code {"error": ...}} from the
 * authentication and rate-limit stage, {@code {"accepted": n, "errors": [...]}} from the intake stage,
 * {@code X-Content-Type-Options: nosniff} always, JSON only when the client accepts it.
 *
 * <p>Headers that earlier filters set (a CORS filter's {@code Access-Control-Allow-Origin} above all) are
 * kept: the response is never reset. Without that header a browser shows the agent status 0 instead of
 * the refusal.
 */
public final class ErrorResponses {

  private static final JsonFactory JSON = new JsonFactory();

  private ErrorResponses() {}

  /** A refusal from the authentication or rate-limit stage. */
  public static void writeError(HttpServletRequest request, HttpServletResponse response, int status, String message)
      throws IOException {
    write(request, response, status, errorBody(message));
  }

  /**
   * A refusal from the intake stage; closes the connection, as the APM Server does, since the rest of the
   * body may still be on its way.
   *
   * @param document the offending line, or null
   */
  public static void writeIntakeError(
      HttpServletRequest request, HttpServletResponse response, int status, int accepted, String message, String document)
      throws IOException {
    response.setHeader("Connection", "close");
    write(request, response, status, intakeBody(accepted, message, document));
  }

  private static void write(HttpServletRequest request, HttpServletResponse response, int status, byte[] body)
      throws IOException {
    if (response.isCommitted()) {
      return;
    }
    response.setStatus(status);
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setContentType(acceptsJson(request) ? "application/json" : "text/plain; charset=utf-8");
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }

  /** As the APM Server decides: JSON when {@code Accept} mentions {@code *}{@code /*} or {@code application/json}. */
  static boolean acceptsJson(HttpServletRequest request) {
    String accept = request.getHeader("Accept");
    return accept != null && (accept.contains("*/*") || accept.contains("application/json"));
  }

  static byte[] errorBody(String message) {
    return json(generator -> {
      generator.writeStartObject();
      generator.writeStringField("error", message);
      generator.writeEndObject();
    });
  }

  static byte[] intakeBody(int accepted, String message, String document) {
    return json(generator -> {
      generator.writeStartObject();
      generator.writeNumberField("accepted", accepted);
      generator.writeArrayFieldStart("errors");
      generator.writeStartObject();
      generator.writeStringField("message", message);
      if (document != null) {
        generator.writeStringField("document", document);
      }
      generator.writeEndObject();
      generator.writeEndArray();
      generator.writeEndObject();
    });
  }

  private interface Body {
    void write(JsonGenerator generator) throws IOException;
  }

  private static byte[] json(Body body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    try (JsonGenerator generator = JSON.createGenerator(out)) {
      body.write(generator);
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    }
    out.write('\n');
    return out.toByteArray();
  }
}
