package dev.anonauth.intake;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.anonauth.http.Messages;
import dev.anonauth.testing.FilterServer;
import dev.anonauth.testing.RawHttp;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The inspector in embedded Jetty 12 under a context path, over real sockets. */
class IntakeInspectionIT {

  private static FilterServer server;
  private int before;

  @BeforeAll
  static void start() throws Exception {
    var inspector = new AnonymousRequestInspector(Set.of("rum-js", "js-base"), Set.of(), 307_200, 10L << 20);
    server = FilterServer.start(new InspectingFilter(inspector), Map.of(), "/apm");
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @BeforeEach
  void mark() {
    before = server.received().size();
  }

  @Test
  void gzipRumPayload_reachesServletByteIdentical() throws Exception {
    byte[] body = FakeRequests.gzip(FakeRequests.resource("intake-v3-rum_events.ndjson"));
    RawHttp.Response response = server.send(RawHttp.post("/apm/intake/v3/rum/events")
        .header("Content-Type", "application/x-ndjson").header("Content-Encoding", "gzip").body(body));
    assertEquals(202, response.status(), response.bodyText());
    FilterServer.Received received = server.received().get(before);
    assertArrayEquals(body, received.body());
    assertEquals("gzip", received.headers().get("content-encoding").get(0));
    assertEquals(String.valueOf(body.length), received.headers().get("content-length").get(0));
  }

  @Test
  void disallowedAgent_refusedAndNeverReachesServlet() throws Exception {
    RawHttp.Response response = server.send(RawHttp.post("/apm/intake/v2/events")
        .body(FakeRequests.resource("intake-v2-events.ndjson")));
    assertEquals(403, response.status());
    assertEquals(Messages.agentNotPermitted("java"), response.bodyText());
    assertEquals(before, server.received().size());
  }

  @Test
  void bodyStopsMidUpload_400AndServerKeepsServing() throws Exception {
    byte[] partial = "{\"metadata\":{\"service\":{\"name\":\"a\"".getBytes(UTF_8);
    RawHttp.Response response = server.send(RawHttp.post("/apm/intake/v2/rum/events").body(partial).stopMidUpload(5000));
    assertEquals(400, response.status());
    assertEquals(Messages.BODY_READ_FAILED, response.bodyText());
    assertEquals(before, server.received().size());

    RawHttp.Response next = server.send(RawHttp.post("/apm/intake/v2/rum/events")
        .body(FakeRequests.resource("intake-v2-transactions_spans_rum.ndjson")));
    assertEquals(202, next.status(), next.bodyText());
  }

  @Test
  void formPostToAgentConfig_parametersReachServlet() throws Exception {
    RawHttp.Response response = server.send(RawHttp.post("/apm/config/v1/rum/agents?etag=q")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("service.name=shop&etag=%22abc%22"));
    assertEquals(202, response.status(), response.bodyText());
    Map<String, String[]> parameters = server.received().get(before).parameters();
    assertArrayEquals(new String[] {"shop"}, parameters.get("service.name"));
    assertArrayEquals(new String[] {"q", "\"abc\""}, parameters.get("etag"));
  }

  @Test
  void gzipBomb_refused413Promptly() throws Exception {
    byte[] bomb = AnonymousRequestInspectorTest.gzipOfZeros(1L << 30);
    var tight = new AnonymousRequestInspector(Set.of(), Set.of(), Integer.MAX_VALUE, 10L << 20);
    FilterServer own = FilterServer.start(new InspectingFilter(tight), Map.of(), "/");
    try {
      RawHttp.Response response = own.send(RawHttp.post("/intake/v2/rum/events").body(bomb));
      assertEquals(413, response.status());
      assertEquals(0, own.received().size());
    } finally {
      own.close();
    }
  }
}
