package dev.anonauth;

import static dev.anonauth.testing.RawHttp.get;
import static dev.anonauth.testing.RawHttp.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import dev.anonauth.metrics.FilterMetrics;
import dev.anonauth.metrics.LimitedClient;
import dev.anonauth.metrics.Outcome;
import dev.anonauth.testing.FilterServer;
import dev.anonauth.testing.RawHttp;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;

/** Every counter, moved by real requests over sockets, read back through the filter, JMX and Micrometer. */
class FilterMetricsIT {

  static final String RUM = AnonymousAuthFilterIT.RUM;
  static final String JAVA_AGENT = AnonymousAuthFilterIT.JAVA_AGENT;
  static final ObjectName MBEAN = name("dev.anonauth:type=AnonymousAuthFilter,context=/,name=anonymous-auth");
  static final MBeanServer JMX = ManagementFactory.getPlatformMBeanServer();

  final List<FilterServer> servers = new ArrayList<>();
  final FakeClock clock = new FakeClock();
  final Logger summaryLog = mock(Logger.class);

  @AfterEach
  void stop() throws Exception {
    for (FilterServer server : servers) {
      server.close();
    }
  }

  static ObjectName name(String name) {
    try {
      return new ObjectName(name);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static final class FakeClock implements FilterMetrics.Clock {
    final AtomicLong nanos = new AtomicLong(Duration.ofDays(3).toNanos());
    final AtomicLong millis = new AtomicLong(1_780_000_000_000L);

    void advance(Duration by) {
      nanos.addAndGet(by.toNanos());
      millis.addAndGet(by.toMillis());
    }

    @Override
    public long nanoTime() {
      return nanos.get();
    }

    @Override
    public long epochMillis() {
      return millis.get();
    }
  }

  AnonymousAuthFilter filter;

  FilterServer start(Map<String, String> params) throws Exception {
    return start(params, Map.of());
  }

  FilterServer start(Map<String, String> params, Map<String, Object> contextAttributes) throws Exception {
    filter = new AnonymousAuthFilter(clock, summaryLog);
    FilterServer server = FilterServer.start(filter, params, "/", contextAttributes);
    servers.add(server);
    return server;
  }

  static Map<String, String> params(String... keyValues) {
    return AnonymousAuthFilterIT.params(keyValues);
  }

  static RawHttp.Request rum(String path, String body) {
    return AnonymousAuthFilterIT.rum(path, body);
  }

  static String sha256(String key) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
  }

  static String apiKey(String id, String key) {
    return "ApiKey " + Base64.getEncoder().encodeToString((id + ":" + key).getBytes(StandardCharsets.UTF_8));
  }

  static Path keyFile(String name) throws Exception {
    return Files.writeString(Files.createTempDirectory("anonauth-keys").resolve(name),
        "writer " + sha256("w") + " event:write\nreader " + sha256("r") + " config_agent:read\n");
  }

  /** A case: the filter's settings, requests that set the scene, and the one request that is counted. */
  record Case(Outcome outcome, Map<String, String> params, List<RawHttp.Request> before, RawHttp.Request request,
      int status, long eventsAdmitted, long eventsRefused) {
    @Override
    public String toString() {
      return outcome.key();
    }
  }

  static Case of(Outcome outcome, Map<String, String> params, RawHttp.Request request, int status) {
    return new Case(outcome, params, List.of(), request, status, 0, 0);
  }

  static Stream<Arguments> everyOutcome() throws Exception {
    Map<String, String> keys = params("auth.api_key.enabled", "true", "auth.api_key.file", keyFile("keys").toString());
    Map<String, String> oneEventPerSecond = params(
        "auth.anonymous.rate_limit.event_limit", "1", "auth.anonymous.rate_limit.max_wait", "0ms");
    return Stream.of(
        of(Outcome.AUTH_DISABLED, Map.of(), rum("/intake/v2/events", "anything"), 202),
        of(Outcome.SECRET_TOKEN, params(), rum("/intake/v2/events", JAVA_AGENT).header("Authorization", "Bearer s3cr3t"), 202),
        of(Outcome.API_KEY, keys, rum("/intake/v2/events", JAVA_AGENT).header("Authorization", apiKey("writer", "w")), 202),
        new Case(Outcome.ANONYMOUS_ALLOWED, params(), List.of(), rum("/intake/v2/rum/events", RUM), 202, 1, 0),
        of(Outcome.CORS_PREFLIGHT, params(), RawHttp.request("OPTIONS", "/intake/v2/rum/events")
            .header("Origin", "https://shop.example").header("Access-Control-Request-Method", "POST"), 202),
        of(Outcome.MISSING_CREDENTIALS, params("auth.anonymous.enabled", "false"), rum("/intake/v2/rum/events", RUM), 401),
        of(Outcome.INVALID_CREDENTIALS, params(), rum("/intake/v2/events", RUM).header("Authorization", "Bearer guess"), 401),
        of(Outcome.UNKNOWN_SCHEME, params(), rum("/intake/v2/events", RUM).header("Authorization", "Basic dXNlcjpwYXNz"), 401),
        of(Outcome.API_KEY_LACKS_PRIVILEGE, keys, rum("/intake/v2/events", RUM).header("Authorization", apiKey("reader", "r")), 403),
        of(Outcome.AGENT_NOT_PERMITTED, params(), rum("/intake/v2/events", JAVA_AGENT), 403),
        of(Outcome.SERVICE_NOT_PERMITTED, params("auth.anonymous.allow_service", "other"), rum("/intake/v2/rum/events", RUM), 403),
        of(Outcome.SOURCEMAP_DENIED, params(), post("/assets/v1/sourcemaps").body("x"), 403),
        of(Outcome.UNKNOWN_ENDPOINT, params(), get("/admin"), 403),
        of(Outcome.METHOD_NOT_ALLOWED, params(), get("/intake/v2/rum/events"), 405),
        of(Outcome.MALFORMED, params(), rum("/intake/v2/rum/events", "not json\n"), 400),
        of(Outcome.TOO_LARGE, params("intake.max_request_size", "1KiB"), rum("/intake/v2/rum/events", RUM + "x".repeat(2048)), 413),
        // burst 3: the first request takes 2 tokens (entry + 1 event), the second its entry token ...
        new Case(Outcome.RATE_LIMITED_EVENTS, oneEventPerSecond, List.of(rum("/intake/v2/rum/events", RUM)),
            rum("/intake/v2/rum/events", RUM), 429, 0, 1),
        // ... and then no entry token is left.
        new Case(Outcome.RATE_LIMITED_ENTRY, oneEventPerSecond,
            List.of(rum("/intake/v2/rum/events", RUM), rum("/intake/v2/rum/events", RUM)),
            rum("/intake/v2/rum/events", RUM), 429, 0, 0))
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyOutcome")
  void request_ofEachOutcome_movesExactlyItsCounterInFilterJmxAndMicrometer(Case c) throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    FilterServer server = start(c.params(), Map.of(FilterMetrics.METER_REGISTRY_ATTRIBUTE, registry));
    for (RawHttp.Request before : c.before()) {
      server.send(before);
    }
    FilterMetrics metrics = filter.metrics();
    Map<Outcome, Long> was = counts(metrics);
    long admittedWas = metrics.eventsAdmitted();
    long refusedWas = metrics.eventsRefused();

    assertEquals(c.status(), server.send(c.request()).status());

    for (Outcome outcome : Outcome.values()) {
      long moved = metrics.requests(outcome) - was.get(outcome);
      assertEquals(outcome == c.outcome() ? 1 : 0, moved, outcome.key());
      assertEquals(metrics.requests(outcome), ((Number) JMX.getAttribute(MBEAN, jmxName(outcome))).longValue(),
          "JMX " + outcome.key());
      assertEquals(metrics.requests(outcome), registry.get("anonauth.requests")
          .tags("outcome", outcome.outcome(), "reason", outcome.reason(), "filter", "anonymous-auth", "context", "/")
          .functionCounter().count(), 0.0, "Micrometer " + outcome.key());
    }
    assertEquals(c.eventsAdmitted(), metrics.eventsAdmitted() - admittedWas, "events admitted");
    assertEquals(c.eventsRefused(), metrics.eventsRefused() - refusedWas, "events refused");
    assertEquals(metrics.eventsAdmitted(), JMX.getAttribute(MBEAN, "EventsAdmitted"));
    assertEquals(metrics.eventsRefused(),
        registry.get("anonauth.events").tags("outcome", "refused").functionCounter().count(), 0.0);
  }

  @Test
  void credentialStoreUnavailable_movesItsCounter() throws Exception {
    Path file = keyFile("vanishing-keys");
    FilterServer server = start(params("auth.api_key.enabled", "true", "auth.api_key.file", file.toString()));
    Files.delete(file);
    Thread.sleep(1_100); // the key file is checked at most once a second, by the system clock
    RawHttp.Response response =
        server.send(rum("/intake/v2/events", RUM).header("Authorization", apiKey("writer", "w")));
    assertEquals(503, response.status());
    assertEquals(Map.of("refused:credential_store_unavailable", 1L), filter.metrics().decisions());
    assertEquals(1L, JMX.getAttribute(MBEAN, "RefusedCredentialStoreUnavailable"));
  }

  static String jmxName(Outcome outcome) {
    StringBuilder name = new StringBuilder();
    for (String part : (outcome.outcome() + "_" + outcome.reason()).split("_")) {
      name.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
    }
    return name.toString();
  }

  static Map<Outcome, Long> counts(FilterMetrics metrics) {
    Map<Outcome, Long> counts = new EnumMap<>(Outcome.class);
    for (Outcome outcome : Outcome.values()) {
      counts.put(outcome, metrics.requests(outcome));
    }
    return counts;
  }

  @Test
  void mbean_rateLimitFigures_matchTheLimiter() throws Exception {
    FilterServer server = start(params("auth.anonymous.rate_limit.ip_limit", "2"));
    for (String client : new String[] {"203.0.113.1", "203.0.113.2", "203.0.113.3"}) {
      assertEquals(202, server.send(rum("/intake/v2/rum/events", RUM).header("X-Forwarded-For", client)).status());
    }
    assertEquals(2L, JMX.getAttribute(MBEAN, "RateLimitClients"));
    assertEquals(2L, JMX.getAttribute(MBEAN, "RateLimitCapacity"));
    assertEquals(1L, JMX.getAttribute(MBEAN, "RateLimitHandOvers"));
    assertEquals(0L, JMX.getAttribute(MBEAN, "RateLimitWaitingRequests"));
    assertEquals(3L, JMX.getAttribute(MBEAN, "AnonymousAllowed"));
    assertEquals(3L, JMX.getAttribute(MBEAN, "EventsAdmitted"));
  }

  @Test
  void destroy_unregistersTheMBean() throws Exception {
    FilterServer server = start(params());
    assertTrue(JMX.isRegistered(MBEAN));
    server.close();
    servers.remove(server);
    assertFalse(JMX.isRegistered(MBEAN));
  }

  @Test
  void redeploy_staleMBeanOfTheSameName_replacedAndNotRemovedByTheOldInstance() throws Exception {
    FilterServer old = start(params());
    AnonymousAuthFilter oldFilter = filter;
    FilterServer current = start(params());
    current.send(get("/admin"));
    assertEquals(1L, JMX.getAttribute(MBEAN, "RefusedUnknownEndpoint"), "the MBean reads the new instance");
    assertEquals(0, oldFilter.metrics().requests(Outcome.UNKNOWN_ENDPOINT));
    old.close();
    servers.remove(old);
    assertTrue(JMX.isRegistered(MBEAN), "the old instance's destroy() must leave the new MBean alone");
    assertEquals(1L, JMX.getAttribute(MBEAN, "RefusedUnknownEndpoint"));
  }

  @Test
  void micrometer_destroy_removesTheMeters() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    FilterServer server = start(params(), Map.of(FilterMetrics.METER_REGISTRY_ATTRIBUTE, registry));
    assertFalse(registry.find("anonauth.requests").meters().isEmpty());
    assertEquals(1000.0, registry.get("anonauth.ratelimit.capacity").gauge().value(), 0.0); // default ip_limit
    server.close();
    servers.remove(server);
    assertTrue(registry.getMeters().isEmpty(), registry.getMeters().toString());
  }

  @Test
  void init_meterRegistryAttributeOfAnotherType_failsNamingIt() throws Exception {
    AnonymousAuthFilter wrong = new AnonymousAuthFilter(clock, summaryLog);
    Map<String, Object> attributes = new HashMap<>();
    attributes.put(FilterMetrics.METER_REGISTRY_ATTRIBUTE, "not a registry");
    Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
        () -> servers.add(FilterServer.start(wrong, params(), "/", attributes)));
    assertTrue(String.valueOf(rootMessage(e)).contains(
        "servlet-context attribute dev.anonauth.meterRegistry is a java.lang.String, must be an"
            + " io.micrometer.core.instrument.MeterRegistry"), rootMessage(e));
  }

  static String rootMessage(Throwable e) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      all.append(t.getMessage()).append(" / ");
    }
    return all.toString();
  }

  @Test
  void summary_underAFlood_loggedOncePerPeriodNotPerRequest() throws Exception {
    FilterServer server = start(params("auth.anonymous.rate_limit.event_limit", "1"));
    flood(server, 40);
    verify(summaryLog, never()).warn(anyString(), any(Object.class));
    verify(summaryLog, never()).info(anyString(), any(Object.class));

    clock.advance(FilterMetrics.SUMMARY_PERIOD);
    flood(server, 40);
    verify(summaryLog, times(1)).warn(eq("{}"), any(Object.class));

    clock.advance(FilterMetrics.SUMMARY_PERIOD.minusSeconds(1));
    flood(server, 40);
    verify(summaryLog, times(1)).warn(eq("{}"), any(Object.class));

    clock.advance(Duration.ofSeconds(1));
    flood(server, 40);
    verify(summaryLog, times(2)).warn(eq("{}"), any(Object.class));
    verify(summaryLog, never()).info(anyString(), any(Object.class));
  }

  @Test
  void summary_line_countsByReasonSinceTheLastOneAndTopClients() throws Exception {
    FilterServer server = start(params(
        "auth.anonymous.rate_limit.event_limit", "1", "auth.anonymous.rate_limit.max_wait", "0ms"));
    server.send(rum("/intake/v2/rum/events", RUM).header("X-Forwarded-For", "203.0.113.7")); // 2 tokens of 3
    for (int i = 0; i < 3; i++) { // entry ok + events refused, then refused at entry twice
      server.send(rum("/intake/v2/rum/events", RUM).header("X-Forwarded-For", "203.0.113.7"));
    }
    server.send(rum("/intake/v2/events", JAVA_AGENT).header("X-Forwarded-For", "198.51.100.1"));
    server.send(rum("/intake/v2/events", RUM).header("Authorization", "Bearer s3cr3t"));
    clock.advance(Duration.ofSeconds(61));
    server.send(get("/admin").header("X-Forwarded-For", "198.51.100.1"));

    org.mockito.ArgumentCaptor<Object> line = org.mockito.ArgumentCaptor.forClass(Object.class);
    verify(summaryLog).warn(eq("{}"), line.capture());
    assertEquals("AnonymousAuthFilter 'anonymous-auth' (context /) in the last 61s: 7 requests, 5 refused (71%):"
            + " agent_not_permitted=1, unknown_endpoint=1, rate_limited_entry=2, rate_limited_events=1;"
            + " passed: authenticated:secret_token=1, anonymous:allowed=1; events admitted=1 refused=1;"
            + " rate limit: 2/1000 clients tracked, 0 hand-overs since start; most limited: 203.0.113.7 x3",
        line.getValue().toString());
    List<LimitedClient> recent = filter.metrics().recentlyLimited();
    assertEquals(List.of(new LimitedClient("203.0.113.7", java.time.Instant.ofEpochMilli(1_780_000_000_000L), 3)),
        recent);
  }

  private static void flood(FilterServer server, int requests) throws Exception {
    for (int i = 0; i < requests; i++) {
      server.send(get("/admin"));
    }
  }
}
