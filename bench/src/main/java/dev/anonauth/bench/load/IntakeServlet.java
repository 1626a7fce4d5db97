package dev.anonauth.bench.load;

import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.atomic.LongAdder;

/** The intake stand-in every case shares: reads the whole body, answers 202 with no body. */
class IntakeServlet extends HttpServlet {

  final LongAdder requests = new LongAdder();
  final LongAdder bodyBytes = new LongAdder();

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
    byte[] buffer = new byte[8192];
    long total = 0;
    try (ServletInputStream in = request.getInputStream()) {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        total += n;
      }
    }
    requests.increment();
    bodyBytes.add(total);
    response.setStatus(HttpServletResponse.SC_ACCEPTED);
    response.setContentLength(0);
  }
}
