package dev.anonauth.intake;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Test-only stand-in for the real filter: inspect, then pass the admitted request on or write the refusal. */
final class InspectingFilter implements Filter {

  private final AnonymousRequestInspector inspector;

  InspectingFilter(AnonymousRequestInspector inspector) {
    this.inspector = inspector;
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    HttpServletRequest request = (HttpServletRequest) req;
    HttpServletResponse response = (HttpServletResponse) res;
    Inspection inspection = inspector.inspect(Action.of(request), request);
    if (inspection instanceof Inspection.Admitted admitted) {
      chain.doFilter(admitted.request(), response);
    } else if (inspection instanceof Inspection.Refused refused) {
      response.setStatus(refused.status());
      response.setHeader("Connection", "close");
      response.setContentType("text/plain; charset=utf-8");
      response.getOutputStream().write(refused.message().getBytes(StandardCharsets.UTF_8));
    }
  }
}
