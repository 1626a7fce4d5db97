package dev.anonauth.example;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Just enough CORS for the RUM agent, for containers without one (Tomcat users would declare
 * {@code org.apache.catalina.filters.CorsFilter} instead): allows any origin, answers preflights.
 * It runs before the anonymous-auth filter, so refusals carry {@code Access-Control-Allow-Origin} too.
 */
public final class SimpleCorsFilter implements Filter {

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    HttpServletRequest request = (HttpServletRequest) req;
    HttpServletResponse response = (HttpServletResponse) res;
    String origin = request.getHeader("Origin");
    if (origin != null) {
      response.setHeader("Access-Control-Allow-Origin", origin);
      response.setHeader("Vary", "Origin");
      response.setHeader("Access-Control-Expose-Headers", "Retry-After, RateLimit, RateLimit-Policy");
    }
    if ("OPTIONS".equals(request.getMethod()) && request.getHeader("Access-Control-Request-Method") != null) {
      response.setHeader("Access-Control-Allow-Methods", "POST, GET, OPTIONS");
      response.setHeader("Access-Control-Allow-Headers", "Content-Type, Content-Encoding, Accept, Authorization");
      response.setHeader("Access-Control-Max-Age", "86400");
      response.setStatus(204);
      return;
    }
    chain.doFilter(request, response);
  }
}
