package dev.anonauth.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Deploys the packaged WAR, exactly as built, into Jetty 12 and talks to it over a socket. */
class ExampleWarIT {

  static final String RUM = """
      {"metadata":{"service":{"name":"shop-frontend","agent":{"name":"rum-js","version":"5.16.0"}}}}
      {"transaction":{"id":"945254c567a5417e","trace_id":"0123456789abcdef0123456789abcdef","name":"page-load","type":"page-load","duration":32.6,"span_count":{"started":0}}}
      """;

  static final String JAVA = RUM.replace("rum-js", "java");

  static Server server;
  static HttpClient client = HttpClient.newHttpClient();

  @BeforeAll
  static void deploy() throws Exception {
    Path war = Path.of(System.getProperty("example.war", "target/anonymous-auth-filter-example-0.1.0-SNAPSHOT.war"));
    assertTrue(Files.isRegularFile(war), "the WAR is built before the integration tests: " + war);
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    WebAppContext webapp = new WebAppContext();
    webapp.setContextPath("/");
    webapp.setWar(war.toAbsolutePath().toString());
    webapp.setThrowUnavailableOnStartupException(true);
    server.setHandler(webapp);
    server.start();
  }

  @AfterAll
  static void undeploy() throws Exception {
    server.stop();
  }

  static URI uri(String path) {
    return URI.create("http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort() + path);
  }

  static HttpResponse<String> post(String path, String body, String authorization) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
        .header("Content-Type", "application/x-ndjson")
        .header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void rumAgentWithoutCredentials_acceptedAndCounted() throws Exception {
    HttpResponse<String> response = post("/intake/v2/rum/events?verbose", RUM, null);
    assertEquals(202, response.statusCode(), response.body());
    assertEquals("{\"accepted\":1}", response.body().strip());
    String page = client.send(HttpRequest.newBuilder(uri("/")).build(), HttpResponse.BodyHandlers.ofString()).body();
    assertTrue(page.contains("anonymous:allowed"), page);
  }

  @Test
  void serverAgentWithoutCredentials_refusedAsAnonymousAgent() throws Exception {
    HttpResponse<String> response = post("/intake/v2/events", JAVA, null);
    assertEquals(403, response.statusCode());
    assertEquals(
        "{\"accepted\":0,\"errors\":[{\"message\":\"unauthorized: anonymous access not permitted for agent \\\"java\\\"\"}]}",
        response.body().strip());
  }

  @Test
  void serverAgentWithSecretToken_accepted() throws Exception {
    assertEquals(202, post("/intake/v2/events", JAVA, "Bearer change-me").statusCode());
  }

  @Test
  void wrongSecretToken_401() throws Exception {
    HttpResponse<String> response = post("/intake/v2/events", JAVA, "Bearer guess");
    assertEquals(401, response.statusCode());
    assertEquals("{\"error\":\"authentication failed\"}", response.body().strip());
  }

  @Test
  void refusalFromAnotherOrigin_keepsCorsHeader() throws Exception {
    HttpResponse<String> response = client.send(
        HttpRequest.newBuilder(uri("/intake/v2/rum/events"))
            .header("Origin", "https://shop.example")
            .POST(HttpRequest.BodyPublishers.ofString(JAVA))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(403, response.statusCode());
    assertEquals("https://shop.example", response.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
  }

  @Test
  void statusPage_showsConfigurationButNeverTheSecret() throws Exception {
    HttpResponse<String> page = client.send(HttpRequest.newBuilder(uri("/")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains("auth.anonymous.allow_agent"), page.body());
    assertFalse(page.body().contains("change-me"));
  }

  // --- GET /metrics and the live figures on GET / ---

  static final Pattern SAMPLE = Pattern.compile(
      "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\.)*\",?)*\\})?"
          + " (NaN|[+-]Inf|[-+]?[0-9.]+(?:[eE][-+]?[0-9]+)?)( -?[0-9]+)?");
  static final Pattern COMMENT = Pattern.compile("# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .*");

  /** Parses the Prometheus text format strictly: every line a sample, HELP/TYPE or blank. Series → value. */
  static Map<String, Double> scrape() throws Exception {
    HttpResponse<String> response =
        client.send(HttpRequest.newBuilder(uri("/metrics")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode());
    assertEquals("text/plain; version=0.0.4; charset=utf-8",
        response.headers().firstValue("Content-Type").orElse("").toLowerCase(java.util.Locale.ROOT));
    Map<String, Double> series = new HashMap<>();
    for (String line : response.body().split("\n")) {
      if (line.isEmpty() || line.startsWith("#")) {
        assertTrue(line.isEmpty() || COMMENT.matcher(line).matches(), line);
        continue;
      }
      Matcher sample = SAMPLE.matcher(line);
      assertTrue(sample.matches(), "not Prometheus text: " + line);
      series.put(sample.group(1) + (sample.group(2) == null ? "" : sample.group(2)), Double.valueOf(sample.group(3)));
    }
    return series;
  }

  static double requests(Map<String, Double> series, String outcome, String reason) {
    return series.getOrDefault("anonauth_requests_total{context=\"/\",filter=\"anonymous-auth\",outcome=\""
        + outcome + "\",reason=\"" + reason + "\"}", Double.NaN);
  }

  @Test
  void metrics_afterRequests_scrapeParsesAndEachDecisionMovedItsCounter() throws Exception {
    Map<String, Double> before = scrape();
    assertEquals(202, post("/intake/v2/rum/events", RUM, null).statusCode());
    assertEquals(403, post("/intake/v2/events", JAVA, null).statusCode());
    assertEquals(202, post("/intake/v2/events", JAVA, "Bearer change-me").statusCode());
    Map<String, Double> after = scrape();
    assertEquals(1.0, requests(after, "anonymous", "allowed") - requests(before, "anonymous", "allowed"));
    assertEquals(1.0, requests(after, "refused", "agent_not_permitted") - requests(before, "refused", "agent_not_permitted"));
    assertEquals(1.0, requests(after, "authenticated", "secret_token") - requests(before, "authenticated", "secret_token"));
    assertEquals(0.0, requests(after, "refused", "service_not_permitted"));
    String common = "{context=\"/\",filter=\"anonymous-auth\"";
    assertEquals(1.0, after.get("anonauth_events_total" + common + ",outcome=\"admitted\"}")
        - before.get("anonauth_events_total" + common + ",outcome=\"admitted\"}"));
    assertEquals(1000.0, after.get("anonauth_ratelimit_capacity" + common + "}"), after.keySet().toString());
    assertTrue(after.get("anonauth_ratelimit_clients" + common + "}") >= 1.0);
    assertTrue(after.containsKey("anonauth_ratelimit_handovers_total" + common + "}"));
    assertTrue(after.containsKey("anonauth_ratelimit_wait_seconds_count" + common + "}"));
  }

  @Test
  void statusPage_clientOverItsBurst_listedAsRecentlyLimitedAndCounted() throws Exception {
    String body = RUM + RUM.lines().skip(1).findFirst().orElseThrow().concat("\n").repeat(900); // 901 events > burst 900
    HttpResponse<String> refused = post("/intake/v2/rum/events", body, null);
    assertEquals(429, refused.statusCode(), refused.body());
    String figures = client.send(HttpRequest.newBuilder(uri("/?part=figures")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    assertTrue(figures.contains("refused:rate_limited_events"), figures);
    String limited = figures.substring(figures.indexOf("id=\"recently-limited\""));
    assertTrue(limited.contains("<td>127.0.0.1</td>"), limited);
    assertFalse(figures.contains("<html"), "the fragment the page's script fetches is not a whole page");
    assertTrue(scrape().get("anonauth_requests_total{context=\"/\",filter=\"anonymous-auth\","
        + "outcome=\"refused\",reason=\"rate_limited_events\"}") >= 1.0);
    String page = client.send(HttpRequest.newBuilder(uri("/")).build(), HttpResponse.BodyHandlers.ofString()).body();
    assertTrue(page.contains("fetch('?part=figures'"), "the page refreshes its figures");
  }
}
