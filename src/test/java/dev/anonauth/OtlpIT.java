package dev.anonauth;

import static dev.anonauth.testing.RawHttp.post;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static dev.anonauth.otlp.OtlpSamples.android;
import static dev.anonauth.otlp.OtlpSamples.ios;
import static dev.anonauth.otlp.OtlpSamples.spans;

import dev.anonauth.otlp.Encoding;
import dev.anonauth.otlp.OtlpSamples;
import dev.anonauth.testing.FilterServer;
import dev.anonauth.testing.RawHttp;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.SpanData;
import jakarta.servlet.Filter;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * OTLP/HTTP through the filter in embedded Jetty, driven by the OpenTelemetry Java SDK's own OTLP/HTTP
 * exporters (JDK HttpClient sender), with resources shaped like the Elastic mobile agents'.
 */
class OtlpIT {

  static final String MOBILE_AGENTS = "rum-js, js-base, android/java, iOS/swift";

  FilterServer server;
  final List<Long> attempts = new CopyOnWriteArrayList<>();

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
    map.put("auth.anonymous.allow_agent", MOBILE_AGENTS);
    for (int i = 0; i < keyValues.length; i += 2) {
      map.put(keyValues[i], keyValues[i + 1]);
    }
    return map;
  }

  /** Starts the server behind a filter that notes when each request arrives (retries included). */
  void start(Map<String, String> params) throws Exception {
    Filter counting = (request, response, chain) -> {
      attempts.add(System.nanoTime());
      chain.doFilter(request, response);
    };
    server = FilterServer.startBehind(counting, params);
  }

  /** The public builder speaks only http/protobuf; its internal delegate can speak http/json. */
  static <T> T asJson(T builder) throws Exception {
    Field delegate = builder.getClass().getDeclaredField("delegate");
    delegate.setAccessible(true);
    Object inner = delegate.get(builder);
    inner.getClass().getMethod("exportAsJson").invoke(inner);
    return builder;
  }

  OtlpHttpSpanExporter spanExporter(boolean json, RetryPolicy retry) throws Exception {
    OtlpHttpSpanExporterBuilder builder = OtlpHttpSpanExporter.builder()
        .setEndpoint(server.uri("/v1/traces").toString())
        .setRetryPolicy(retry)
        .setTimeout(Duration.ofSeconds(10));
    return (json ? asJson(builder) : builder).build();
  }

  static byte[] traces(boolean json, Collection<SpanData> spans) {
    return OtlpSamples.traces(json ? Encoding.JSON : Encoding.PROTOBUF, spans);
  }

  static boolean export(OtlpHttpSpanExporter exporter, Collection<SpanData> spans) {
    try {
      return exporter.export(spans).join(30, TimeUnit.SECONDS).isSuccess();
    } finally {
      exporter.shutdown().join(5, TimeUnit.SECONDS);
    }
  }

  static byte[] status(int code, String message) {
    byte[] text = message.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x08);
    out.write(code);
    out.write(0x12);
    out.write(text.length); // messages here are < 128 bytes
    out.write(text, 0, text.length);
    return out.toByteArray();
  }

  static RawHttp.Request otlp(String path, boolean json, byte[] body) {
    return post(path).header("Content-Type", json ? "application/json" : "application/x-protobuf").body(body);
  }

  // --- allowed ---

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void export_androidAgent_reachesAppByteIdentical(boolean json) throws Exception {
    start(params());
    List<SpanData> spans = spans(android("shop-android"), 3);
    assertTrue(export(spanExporter(json, null), spans));
    assertEquals(1, server.received().size());
    FilterServer.Received received = server.received().get(0);
    assertEquals("/v1/traces", received.path());
    assertEquals(json ? "application/json" : "application/x-protobuf", received.headers().get("content-type").get(0));
    assertArrayEquals(traces(json, spans), received.body());
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void export_iosAgentGzip_reachesAppStillCompressed(boolean json) throws Exception {
    start(params("auth.anonymous.allow_service", "shop-ios"));
    OtlpHttpSpanExporterBuilder builder = OtlpHttpSpanExporter.builder()
        .setEndpoint(server.uri("/v1/traces").toString()).setCompression("gzip").setRetryPolicy(null);
    List<SpanData> spans = spans(ios("shop-ios"), 2);
    assertTrue(export((json ? asJson(builder) : builder).build(), spans));
    FilterServer.Received received = server.received().get(0);
    assertEquals("gzip", received.headers().get("content-encoding").get(0));
    assertArrayEquals(traces(json, spans),
        new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(received.body())).readAllBytes());
  }

  @Test
  void export_androidLogsAndMetrics_allowed() throws Exception {
    start(params());
    try (SdkLoggerProvider logs = SdkLoggerProvider.builder().setResource(android("shop-android"))
        .addLogRecordProcessor(SimpleLogRecordProcessor.create(OtlpHttpLogRecordExporter.builder()
            .setEndpoint(server.uri("/v1/logs").toString()).setRetryPolicy(null).build())).build()) {
      logs.get("mobile").logRecordBuilder().setBody("app started").emit();
      assertTrue(logs.forceFlush().join(10, TimeUnit.SECONDS).isSuccess());
    }
    OtlpHttpMetricExporter metricExporter = OtlpHttpMetricExporter.builder()
        .setEndpoint(server.uri("/v1/metrics").toString()).setRetryPolicy(null).build();
    try (SdkMeterProvider metrics = SdkMeterProvider.builder().setResource(ios("shop-ios"))
        .registerMetricReader(PeriodicMetricReader.builder(metricExporter).setInterval(Duration.ofHours(1)).build())
        .build()) {
      metrics.get("mobile").counterBuilder("taps").build().add(3);
      assertTrue(metrics.forceFlush().join(10, TimeUnit.SECONDS).isSuccess());
    }
    // (closing the meter provider exports once more)
    assertEquals(List.of("/v1/logs", "/v1/metrics"),
        server.received().stream().map(FilterServer.Received::path).distinct().toList());
  }

  // --- refused ---

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void export_serverSdkAgent_403StatusInRequestEncoding(boolean json) throws Exception {
    start(params());
    List<SpanData> spans = spans(Resource.getDefault().merge(Resource.create(
        Attributes.builder().put("service.name", "backend").build())), 1);
    assertFalse(export(spanExporter(json, null), spans));
    assertTrue(server.received().isEmpty());

    RawHttp.Response response = server.send(otlp("/v1/traces", json, traces(json, spans)));
    assertEquals(403, response.status());
    String message = "unauthorized: anonymous access not permitted for agent \"opentelemetry/java\"";
    if (json) {
      assertEquals("application/json", response.header("Content-Type"));
      assertEquals("{\"code\":7,\"message\":\"" + message.replace("\"", "\\\"") + "\"}", response.bodyText());
    } else {
      assertEquals("application/x-protobuf", response.header("Content-Type"));
      assertArrayEquals(status(7, message), response.body());
    }
    assertEquals("nosniff", response.header("X-Content-Type-Options"));
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void export_serviceNotAllowed_403ServiceBeforeAgent(boolean json) throws Exception {
    start(params("auth.anonymous.allow_service", "shop-android, shop-ios"));
    Resource evil = Resource.create(Attributes.builder()
        .put("service.name", "evil").put("telemetry.sdk.name", "curl").build());
    List<SpanData> spans = spans(evil, 1);
    assertFalse(export(spanExporter(json, null), spans));
    assertTrue(server.received().isEmpty());
    RawHttp.Response response = server.send(otlp("/v1/traces", json, traces(json, spans)));
    assertEquals(403, response.status());
    assertTrue(response.bodyText().contains("unauthorized: anonymous access not permitted for service \\\"evil\\\"")
        || response.bodyText().contains("unauthorized: anonymous access not permitted for service \"evil\""),
        response.bodyText());
  }

  @Test
  void export_rateLimited_429RetryAfterHonouredByExporter() throws Exception {
    start(params("auth.anonymous.rate_limit.event_limit", "1"));
    // 4 spans never fit a bucket of 3: every attempt is refused, with Retry-After: 1 (the bucket's refill).
    RetryPolicy retry = RetryPolicy.builder().setMaxAttempts(2)
        .setInitialBackoff(Duration.ofMillis(10)).setMaxBackoff(Duration.ofMillis(20)).build();
    assertFalse(export(spanExporter(false, retry), spans(ios("shop-ios"), 4)));
    assertEquals(2, attempts.size());
    long gapMillis = (attempts.get(1) - attempts.get(0)) / 1_000_000;
    assertTrue(gapMillis >= 900, "the exporter retried after " + gapMillis + " ms, not after Retry-After");
    assertTrue(server.received().isEmpty());

    Thread.sleep(3100); // refill
    RawHttp.Response response = server.send(otlp("/v1/traces", false, traces(false, spans(ios("shop-ios"), 4))));
    assertEquals(429, response.status());
    assertEquals("1", response.header("Retry-After"));
    assertArrayEquals(status(8, "rate limit exceeded"), response.body());
  }

  @Test
  void post_wrongToken_401StatusJson() throws Exception {
    start(params());
    RawHttp.Response response = server.send(otlp("/v1/logs", true, "{}".getBytes(StandardCharsets.UTF_8))
        .header("Authorization", "Bearer guess"));
    assertEquals(401, response.status());
    assertEquals("{\"code\":16,\"message\":\"authentication failed\"}", response.bodyText());
    assertEquals("Bearer realm=\"apm\"", response.header("WWW-Authenticate"));
  }

  @Test
  void post_textPlain_415() throws Exception {
    start(params());
    RawHttp.Response response = server.send(post("/v1/traces").header("Content-Type", "text/plain").body("hi"));
    assertEquals(415, response.status());
    assertEquals("{\"code\":3,\"message\":\"unsupported content type \\\"text/plain\\\": expected"
        + " application/x-protobuf or application/json\"}", response.bodyText());
  }

  @Test
  void get_405WithAllow() throws Exception {
    start(params());
    RawHttp.Response response = server.send(RawHttp.get("/v1/metrics").header("Content-Type", "application/x-protobuf"));
    assertEquals(405, response.status());
    assertEquals("POST", response.header("Allow"));
    assertArrayEquals(status(12, "only POST requests are supported"), response.body());
  }

  @Test
  void post_gzipBomb_413() throws Exception {
    start(params("intake.max_request_size", "1MiB"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(out)) {
      gzip.write(new byte[] {0x12, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x20}); // field 2, 64 MiB, skipped by length
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 64; i++) {
        gzip.write(zeros); // ~64 KiB compressed; inflating stops at the 1 MiB bound
      }
    }
    RawHttp.Response response = server.send(otlp("/v1/traces", false, out.toByteArray()).header("Content-Encoding", "gzip"));
    assertEquals(413, response.status());
    assertEquals("close", response.header("Connection"));
    assertTrue(server.received().isEmpty());
  }

  @Test
  void post_emptyProtobuf_admittedWithNoEvents() throws Exception {
    start(params());
    RawHttp.Response response = server.send(otlp("/v1/traces", false, new byte[0]));
    assertEquals(202, response.status());
    assertEquals(1, server.received().size());
  }
}

