package dev.anonauth.example;

import dev.anonauth.AnonymousAuthFilter;
import dev.anonauth.FilterStatus;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Map;

/** {@code GET /}: the filter's effective configuration (never the secret) and what it decided so far. */
public final class StatusServlet extends HttpServlet {

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
    String filterName = getInitParameter("filter-name");
    FilterStatus status =
        (FilterStatus) getServletContext().getAttribute(AnonymousAuthFilter.STATUS_ATTRIBUTE_PREFIX + filterName);
    IntakeCounts intake = IntakeCounts.of(getServletContext());
    response.setContentType("text/html; charset=utf-8");
    response.setHeader("Cache-Control", "no-store");
    PrintWriter out = response.getWriter();
    out.println("<!doctype html><html><head><meta charset=\"utf-8\"><title>anonymous-auth-filter example</title>");
    out.println("<style>body{font-family:sans-serif;margin:2em}td,th{padding:2px 12px;text-align:left}"
        + "th{background:#eee}</style></head><body>");
    out.println("<h1>anonymous-auth-filter example</h1>");
    out.println("<p>Intake endpoints: <code>POST /intake/v2/events</code>, <code>/intake/v2/rum/events</code>,"
        + " <code>/intake/v3/rum/events</code>. Received so far: <b id=\"intake-requests\">" + intake.requests.sum()
        + "</b> requests, <b id=\"intake-events\">" + intake.events.sum() + "</b> events.</p>");
    if (status == null) {
      out.println("<p>The filter named <code>" + escape(String.valueOf(filterName)) + "</code> is not running.</p>");
    } else {
      table(out, "Decisions", "outcome", "requests", status.decisions());
      table(out, "Effective configuration", "init-param", "value", status.configuration());
    }
    out.println("</body></html>");
  }

  private static void table(PrintWriter out, String title, String keyHeading, String valueHeading, Map<String, ?> rows) {
    out.println("<h2>" + title + "</h2><table><tr><th>" + keyHeading + "</th><th>" + valueHeading + "</th></tr>");
    if (rows.isEmpty()) {
      out.println("<tr><td colspan=\"2\">(none yet)</td></tr>");
    }
    rows.forEach((key, value) ->
        out.println("<tr><td>" + escape(key) + "</td><td>" + escape(String.valueOf(value)) + "</td></tr>"));
    out.println("</table>");
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
