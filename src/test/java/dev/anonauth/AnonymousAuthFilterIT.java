package dev.anonauth;

import static dev.anonauth.testing.RawHttp.get;
import static dev.anonauth.testing.RawHttp.post;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.anonauth.testing.FilterServer;
import dev.anonauth.testing.RawHttp;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The filter in embedded Jetty, configured by init-params as web.xml would, over real sockets. */
class AnonymousAuthFilterIT {

  static final String RUM = """
      {"metadata":{"service":{"name":"shop-frontend","agent":{"name":"rum-js","version":"5.16.0"}}}}
      {"transaction":{"id":"945254c567a5417e","trace_id":"0123456789abcdef0123456789abcdef","name":"page-load","type":"page-load","duration":32.6,"span_count":{"started":0}}}
      """;
  static final String JAVA_AGENT = RUM.replace("rum-js", "java");
  static final String JSON = "application/json";

  FilterServer server;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  static Map<String, String> params(String... keyValues) {
    Map<String, String> map = new HashMap<>();
    map.put("auth.secret_token", "s3cr3t");
    map.put("rum.enabled", "true");
    for (int i = 0; i < keyValues.length; i += 2) {
      map.put(keyValues[i], keyValues[i + 1]);
    }
    return map;
  }

  static RawHttp.Request rum(String path, String body) {
    return post(path).header("Content-Type", "application/x-ndjson").header("Accept", "*/*").body(body);
  }

  static byte[] gzip(String text) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  @Nested
  class AuthenticationStage {

    @Test
    void noCredentialsConfigured_everythingPassesUnchecked() throws Exception {
      server = FilterServer.start(Map.of("auth.anonymous.enabled", "true", "auth.anonymous.allow_agent", "nobody"));
      RawHttp.Response response = server.send(rum("/intake/v2/events", "not even json"));
      assertEquals(202, response.status());
      assertEquals("not even json", new String(server.received().get(0).body(), StandardCharsets.UTF_8));
    }

    @Test
    void rightSecretToken_passesUninspected() throws Exception {
      server = FilterServer.start(params());
      RawHttp.Response response =
          server.send(rum("/intake/v2/events", JAVA_AGENT).header("Authorization", "Bearer s3cr3t"));
      assertEquals(202, response.status());
      assertEquals(JAVA_AGENT, new String(server.received().get(0).body(), StandardCharsets.UTF_8));
    }

    @Test
    void wrongSecretToken_401JsonWithNosniff() throws Exception {
      server = FilterServer.start(params());
      RawHttp.Response response =
          server.send(rum("/intake/v2/events", JAVA_AGENT).header("Authorization", "Bearer guess"));
      assertEquals(401, response.status());
      assertEquals("{\"error\":\"authentication failed\"}", response.bodyText().strip());
      assertEquals(JSON, response.header("Content-Type"));
      assertEquals("nosniff", response.header("X-Content-Type-Options"));
      assertEquals("Bearer realm=\"apm\"", response.header("WWW-Authenticate"));
      assertTrue(server.received().isEmpty());
    }

    @Test
    void clientNotAcceptingJson_getsSameTextAsPlainText() throws Exception {
      server = FilterServer.start(params());
      RawHttp.Response response = server.send(post("/intake/v2/events").header("Authorization", "Bearer guess").body(JAVA_AGENT));
      assertEquals(401, response.status());
      assertEquals("text/plain;charset=utf-8", response.header("Content-Type").replace(" ", ""));
      assertEquals("{\"error\":\"authentication failed\"}", response.bodyText().strip());
    }

    @Test
    void noCredentialsAnonymousOff_401Missing() throws Exception {
      server = FilterServer.start(params("auth.anonymous.enabled", "false"));
      RawHttp.Response response = server.send(rum("/intake/v2/rum/events", RUM));
      assertEquals(401, response.status());
      assertEquals(
          "{\"error\":\"authentication failed: missing or improperly formatted Authorization header: expected"
              + " 'Authorization: Bearer secret_token' or 'Authorization: ApiKey base64(API key ID:API key)'\"}",
          response.bodyText().strip());
    }

    @Test
    void unknownScheme_401NamingIt() throws Exception {
      server = FilterServer.start(params());
      RawHttp.Response response = server.send(rum("/intake/v2/events", RUM).header("Authorization", "Basic dXNlcjpwYXNz"));
      assertEquals(401, response.status());
      assertTrue(response.bodyText().contains("unknown Authentication header Basic: expected"), response.bodyText());
    }

    @Test
    void refusal_keepsHeadersSetByEarlierFilter() throws Exception {
      Filter cors = (request, response, chain) -> {
        ((HttpServletResponse) response).setHeader("Access-Control-Allow-Origin", "https://shop.example");
        chain.doFilter(request, response);
      };
      server = FilterServer.startBehind(cors, params("auth.anonymous.enabled", "false"));
      RawHttp.Response response = server.send(rum("/intake/v2/rum/events", RUM).header("Origin", "https://shop.example"));
      assertEquals(401, response.status());
      assertEquals("https://shop.example", response.header("Access-Control-Allow-Origin"));
    }

    @Test
    void corsPreflight_passesUntouched() throws Exception {
      server = FilterServer.start(params("auth.anonymous.enabled", "false"));
      RawHttp.Response response = server.send(RawHttp.request("OPTIONS", "/intake/v2/rum/events")
          .header("Origin", "https://shop.example")
          .header("Access-Control-Request-Method", "POST"));
      assertEquals(202, response.status());
      assertEquals("OPTIONS", server.received().get(0).method());
    }
  }

  @Nested
  class AnonymousPath {

    @Test
    void allowedRumAgent_reachesAppByteIdentical() throws Exception {
      server = FilterServer.start(params());
      assertEquals(202, server.send(rum("/intake/v2/rum/events", RUM)).status());
      assertEquals(RUM, new String(server.received().get(0).body(), StandardCharsets.UTF_8));
    }

    @Test
    void gzipBody_reachesAppAsTheSameGzipBytes() throws Exception {
      server = FilterServer.start(params());
      byte[] body = gzip(RUM);
      RawHttp.Response response =
          server.send(rum("/intake/v2/rum/events", "").header("Content-Encoding", "gzip").body(body));
      assertEquals(202, response.status(), response.bodyText());
      FilterServer.Received received = server.received().get(0);
      assertArrayEquals(body, received.body());
      assertEquals("gzip", received.headers().get("content-encoding").get(0));
    }

    @Test
    void serverAgentWithoutCredentials_403IntakeShapeAndNothingReachesApp() throws Exception {
      server = FilterServer.start(params());
      RawHttp.Response response = server.send(rum("/intake/v2/events", JAVA_AGENT));
      assertEquals(403, response.status());
      assertEquals(
          "{\"accepted\":0,\"errors\":[{\"message\":\"unauthorized: anonymous access not permitted for agent \\\"java\\\"\"}]}",
          response.bodyText().strip());
      assertEquals("close", response.header("Connection"));
      assertTrue(server.received().isEmpty());
    }

    @Test
    void serviceOutsideAllowlist_403ServiceCheckedFirst() throws Exception {
      server = FilterServer.start(params("auth.anonymous.allow_service", "checkout"));
      RawHttp.Response response = server.send(rum("/intake/v2/events", JAVA_AGENT));
      assertEquals(403, response.status());
      assertTrue(response.bodyText().contains("anonymous access not permitted for service \\\"shop-frontend\\\""),
          response.bodyText());
    }

    @Test
    void sourcemapUpload_alwaysRefusedForAnonymous() throws Exception {
      server = FilterServer.start(params("auth.anonymous.allow_agent", ""));
      RawHttp.Response response = server.send(post("/assets/v1/sourcemaps").header("Accept", "*/*").body("x"));
      assertEquals(403, response.status());
      assertEquals("{\"error\":\"unauthorized: anonymous access not permitted for sourcemap uploads\"}",
          response.bodyText().strip());
    }

    @Test
    void unknownPath_refusedForAnonymous() throws Exception {
      server = FilterServer.start(params());
      assertEquals(403, server.send(get("/admin")).status());
      assertTrue(server.received().isEmpty());
    }

    @Test
    void unknownPath_passesWithSecretToken() throws Exception {
      server = FilterServer.start(params());
      assertEquals(202, server.send(get("/admin").header("Authorization", "Bearer s3cr3t")).status());
    }

    @Test
    void getOnIntake_405() throws Exception {
      server = FilterServer.start(params());
      RawHttp.Response response = server.send(get("/intake/v2/rum/events").header("Accept", "*/*"));
      assertEquals(405, response.status());
      assertEquals("POST", response.header("Allow"));
    }

    @Test
    void agentConfigForAllowedService_passesWithQueryIntact() throws Exception {
      server = FilterServer.start(params("auth.anonymous.allow_service", "shop-frontend"));
      assertEquals(202, server.send(get("/config/v1/rum/agents?service.name=shop-frontend")).status());
      assertEquals("service.name=shop-frontend", server.received().get(0).query());
      assertEquals(403, server.send(get("/config/v1/rum/agents?service.name=other")).status());
      assertEquals(1, server.received().size());
    }

    @Test
    void underAContextPath_stillRecognisesTheEndpoint() throws Exception {
      server = FilterServer.start(new AnonymousAuthFilter(), params(), "/apm");
      assertEquals(403, server.send(rum("/apm/intake/v2/events", JAVA_AGENT)).status());
      assertEquals(202, server.send(rum("/apm/intake/v2/rum/events", RUM)).status());
    }
  }

  @Nested
  class RateLimiting {

    /** event_limit=1: a burst of 3 tokens; each one-event request costs 2 (entry + event). */
    Map<String, String> tight() {
      return params("auth.anonymous.rate_limit.event_limit", "1", "auth.anonymous.rate_limit.max_wait", "0ms");
    }

    @Test
    void overBudget_429WithRetryAfter() throws Exception {
      server = FilterServer.start(tight());
      assertEquals(202, server.send(rum("/intake/v2/rum/events", RUM)).status());
      RawHttp.Response refused = server.send(rum("/intake/v2/rum/events", RUM));
      assertEquals(429, refused.status());
      assertTrue(Integer.parseInt(refused.header("Retry-After")) >= 1);
      assertEquals(1, server.received().size());
      RawHttp.Response atEntry = server.send(rum("/intake/v2/rum/events", RUM));
      assertEquals(429, atEntry.status());
      assertEquals("{\"error\":\"too many requests: rate limit exceeded\"}", atEntry.bodyText().strip());
    }

    @Test
    void differentClients_haveIndependentBuckets() throws Exception {
      server = FilterServer.start(tight());
      assertEquals(202, server.send(rum("/intake/v2/rum/events", RUM).header("X-Forwarded-For", "203.0.113.1")).status());
      assertEquals(429, server.send(rum("/intake/v2/rum/events", RUM).header("X-Forwarded-For", "203.0.113.1")).status());
      assertEquals(202, server.send(rum("/intake/v2/rum/events", RUM).header("X-Forwarded-For", "203.0.113.2")).status());
    }

    @Test
    void sameClientThroughDifferentHeaders_sharesOneBucket() throws Exception {
      server = FilterServer.start(tight());
      assertEquals(202, server.send(rum("/intake/v2/rum/events", RUM).header("Forwarded", "for=\"203.0.113.9:4711\"")).status());
      assertEquals(429, server.send(rum("/intake/v2/rum/events", RUM).header("X-Real-Ip", "203.0.113.9")).status());
      assertEquals(429, server.send(rum("/intake/v2/rum/events", RUM).header("X-Forwarded-For", "::ffff:203.0.113.9")).status());
    }

    @Test
    void authenticatedRequests_neverLimited() throws Exception {
      server = FilterServer.start(tight());
      assertEquals(202, server.send(rum("/intake/v2/rum/events", RUM)).status());
      assertEquals(429, server.send(rum("/intake/v2/rum/events", RUM)).status());
      for (int i = 0; i < 20; i++) {
        assertEquals(202, server.send(rum("/intake/v2/rum/events", RUM).header("Authorization", "Bearer s3cr3t")).status());
      }
    }

    @Test
    void rotationFloodFrom100TimesIpLimitAddresses_totalAcceptedStaysBounded() throws Exception {
      int ipLimit = 10;
      server = FilterServer.start(params(
          "auth.anonymous.rate_limit.event_limit", "1", "auth.anonymous.rate_limit.max_wait", "0ms",
          "auth.anonymous.rate_limit.ip_limit", String.valueOf(ipLimit)));
      long start = System.nanoTime();
      int accepted = 0;
      for (int i = 0; i < 100 * ipLimit; i++) {
        String address = "198.18." + (i >> 8) + "." + (i & 0xff);
        if (server.send(rum("/intake/v2/rum/events", RUM).header("X-Forwarded-For", address)).status() == 202) {
          accepted++;
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      // Each accepted request took 2 tokens (entry + 1 event); all clients together can have been granted
      // at most ipLimit × (burst 3 + 1 token/s × seconds). A fresh bucket per address would accept all 1000.
      double bound = ipLimit * (3 + seconds) / 2;
      assertTrue(accepted <= bound, accepted + " requests accepted in " + seconds + " s; bound " + bound);
      assertEquals(accepted, server.received().size());
    }

    @Test
    void untrustedPeerRotatingForwardedHeader_staysInItsOwnBucket() throws Exception {
      server = FilterServer.start(params(
          "auth.anonymous.rate_limit.event_limit", "1", "auth.anonymous.rate_limit.max_wait", "0ms",
          "client_ip.trusted_proxies", "127.0.0.2/32"));
      assertEquals(202, server.sendFrom("127.0.0.3", rum("/intake/v2/rum/events", RUM).header("X-Forwarded-For", "198.51.100.1")).status());
      for (int i = 2; i < 10; i++) {
        RawHttp.Response response =
            server.sendFrom("127.0.0.3", rum("/intake/v2/rum/events", RUM).header("X-Forwarded-For", "198.51.100." + i));
        assertEquals(429, response.status(), "a spoofed header from an untrusted peer must not buy a fresh bucket");
      }
      // A trusted proxy's header is believed: its client gets its own bucket.
      assertEquals(202, server.sendFrom("127.0.0.2", rum("/intake/v2/rum/events", RUM).header("X-Forwarded-For", "198.51.100.1")).status());
      assertNull(null);
    }
  }
}
