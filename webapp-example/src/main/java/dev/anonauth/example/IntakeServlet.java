package dev.anonauth.example;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PushbackInputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;

/**
 * A stand-in for the APM Server's intake: reads the ND-JSON stream, counts its events and answers
 * {@code 202 Accepted} ({@code {"accepted": n}} with {@code ?verbose}), as the APM Server does. It does no
 * checking of its own: everything it sees got past the filter.
 */
public final class IntakeServlet extends HttpServlet {

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
    String path = request.getRequestURI().substring(request.getContextPath().length());
    if (path.startsWith("/config/")) {
      doGet(request, response);
      return;
    }
    if (path.startsWith("/assets/")) {
      request.getInputStream().transferTo(OutputDiscard.INSTANCE);
      response.setStatus(202);
      return;
    }
    long events = countEvents(request);
    IntakeCounts counts = IntakeCounts.of(getServletContext());
    counts.requests.increment();
    counts.events.add(events);
    response.setStatus(202);
    if (request.getParameter("verbose") != null) {
      response.setContentType("application/json");
      response.getWriter().write("{\"accepted\":" + events + "}\n");
    }
  }

  /** Agent configuration: nothing is configured centrally in this example. */
  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
    response.setContentType("application/json");
    response.getWriter().write("{}\n");
  }

  private static long countEvents(HttpServletRequest request) throws IOException {
    try (BufferedReader lines = new BufferedReader(
        new InputStreamReader(decoded(request.getInputStream()), StandardCharsets.UTF_8))) {
      long nonEmpty = lines.lines().filter(line -> !line.isBlank()).count();
      return Math.max(0, nonEmpty - 1); // the first line is the metadata
    }
  }

  /** Agents gzip (RUM: CompressionStream) or deflate their bodies, with or without the header. */
  private static InputStream decoded(InputStream body) throws IOException {
    PushbackInputStream in = new PushbackInputStream(body, 2);
    int first = in.read();
    int second = in.read();
    if (second >= 0) {
      in.unread(second);
    }
    if (first >= 0) {
      in.unread(first);
    }
    if (first == 0x1f && second == 0x8b) {
      return new GZIPInputStream(in);
    }
    if (first == 0x78) {
      return new InflaterInputStream(in);
    }
    return in;
  }

  private static final class OutputDiscard extends java.io.OutputStream {
    static final OutputDiscard INSTANCE = new OutputDiscard();

    @Override
    public void write(int b) {}

    @Override
    public void write(byte[] b, int off, int len) {}
  }
}
