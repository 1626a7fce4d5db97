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
}
