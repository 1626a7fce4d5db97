package dev.anonauth.example;

import dev.anonauth.AnonymousAuthFilter;
import dev.anonauth.FilterStatus;
import dev.anonauth.metrics.LimitedClient;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /}: what the filter decided so far, its rate-limit store, the clients it most recently rate
 * limited and its effective configuration (never the secret). The figures refresh every 2 seconds: a
 * few lines of script fetch {@code /?part=figures} (the same HTML, figures only) and swap it in.
 * {@code GET /metrics} has the same counters for Prometheus.
 */
public final class StatusServlet extends HttpServlet {

  private static final String REFRESH_SCRIPT = """
      <script>
      setInterval(function () {
        fetch('?part=figures', {cache: 'no-store'})
          .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
          .then(function (html) { document.getElementById('figures').innerHTML = html; })
          .catch(function () { /* keep the last figures */ });
      }, 2000);
      </script>""";

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
    String filterName = getInitParameter("filter-name");
    FilterStatus status =
        (FilterStatus) getServletContext().getAttribute(AnonymousAuthFilter.STATUS_ATTRIBUTE_PREFIX + filterName);
    response.setContentType("text/html; charset=utf-8");
    response.setHeader("Cache-Control", "no-store");
    PrintWriter out = response.getWriter();
    if ("figures".equals(request.getParameter("part"))) {
      figures(out, status, filterName);
      return;
    }
    out.println("<!doctype html><html><head><meta charset=\"utf-8\"><title>anonymous-auth-filter example</title>");
    out.println("<style>body{font-family:sans-serif;margin:2em}td,th{padding:2px 12px;text-align:left}"
        + "th{background:#eee}td.n{text-align:right}.row{display:flex;gap:3em;flex-wrap:wrap}</style></head><body>");
    out.println("<h1>anonymous-auth-filter example</h1>");
    out.println("<p>Intake endpoints: <code>POST /intake/v2/events</code>, <code>/intake/v2/rum/events</code>,"
        + " <code>/intake/v3/rum/events</code>. Prometheus: <a href=\"metrics\"><code>GET /metrics</code></a>."
        + " This page refreshes its figures every 2 s.</p>");
    out.println("<div id=\"figures\">");
    figures(out, status, filterName);
    out.println("</div>");
    if (status != null) {
      table(out, "Effective configuration", "init-param", "value", status.configuration());
    }
    out.println(REFRESH_SCRIPT);
    out.println("</body></html>");
  }

  private void figures(PrintWriter out, FilterStatus status, String filterName) {
    IntakeCounts intake = IntakeCounts.of(getServletContext());
    out.println("<p>Received by the intake servlet: <b id=\"intake-requests\">" + intake.requests.sum()
        + "</b> requests, <b id=\"intake-events\">" + intake.events.sum() + "</b> events.</p>");
    if (status == null) {
      out.println("<p>The filter named <code>" + escape(String.valueOf(filterName)) + "</code> is not running.</p>");
      return;
    }
    out.println("<div class=\"row\"><div>");
    table(out, "Decisions", "outcome", "requests", status.decisions());
    out.println("</div><div>");
    table(out, "Events", "outcome", "events", status.events());
    table(out, "Rate-limit store", "figure", "value", status.rateLimit());
    out.println("</div><div>");
    recentlyLimited(out, status.recentlyLimited());
    out.println("</div></div>");
  }

  private static void recentlyLimited(PrintWriter out, List<LimitedClient> clients) {
    out.println("<h2>Recently rate limited</h2><table id=\"recently-limited\"><tr><th>client</th><th>last</th>"
        + "<th>times</th></tr>");
    if (clients.isEmpty()) {
      out.println("<tr><td colspan=\"3\">(none)</td></tr>");
    }
    Instant now = Instant.now();
    for (LimitedClient client : clients.subList(0, Math.min(10, clients.size()))) {
      long ago = Math.max(0, Duration.between(client.lastLimited(), now).toSeconds());
      out.println("<tr><td>" + escape(client.key()) + "</td><td title=\"" + client.lastLimited() + "\">" + ago
          + " s ago</td><td class=\"n\">" + client.times() + "</td></tr>");
    }
    out.println("</table>");
  }

  private static void table(PrintWriter out, String title, String keyHeading, String valueHeading, Map<String, ?> rows) {
    out.println("<h2>" + title + "</h2><table><tr><th>" + keyHeading + "</th><th>" + valueHeading + "</th></tr>");
    if (rows.isEmpty()) {
      out.println("<tr><td colspan=\"2\">(none yet)</td></tr>");
    }
    rows.forEach((key, value) ->
        out.println("<tr><td>" + escape(key) + "</td><td class=\"n\">" + escape(String.valueOf(value)) + "</td></tr>"));
    out.println("</table>");
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
