package dev.anonauth.bench.load;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * A stand-in for a real intake: gunzips the body when it says gzip and has Jackson tokenise every ND-JSON
 * line (the least a real APM intake does before it even looks at an event), then answers 202. It shows
 * the filter's cost against a downstream that decodes the same body, not one that only reads bytes.
 */
final class DecodingIntakeServlet extends IntakeServlet {

  private static final JsonFactory JSON = new JsonFactory();

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
    long tokens = 0;
    InputStream in = request.getInputStream();
    if ("gzip".equalsIgnoreCase(request.getHeader("Content-Encoding"))) {
      in = new GZIPInputStream(in, 2048);
    }
    try (JsonParser p = JSON.createParser(in)) {
      while (p.nextToken() != null) {
        tokens++;
      }
    }
    requests.increment();
    bodyBytes.add(request.getContentLengthLong());
    response.setStatus(tokens > 0 ? HttpServletResponse.SC_ACCEPTED : HttpServletResponse.SC_BAD_REQUEST);
    response.setContentLength(0);
  }
}
