package dev.anonauth.otlp;

import static dev.anonauth.otlp.Proto.message;
import static dev.anonauth.otlp.Proto.resource;
import static dev.anonauth.otlp.Proto.resourceSpans;
import static dev.anonauth.otlp.Proto.stringAttribute;
import static dev.anonauth.otlp.Proto.traces;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class OtlpDecoderTest {

  /** Runs the decoder, recording each resource's "service|agent". */
  static final class Run {
    final List<String> resources = new ArrayList<>();
    int count;

    static Run of(Signal signal, Encoding encoding, byte[] body) throws Exception {
      Run run = new Run();
      run.count = OtlpDecoder.inspect(signal, encoding, new ByteArrayInputStream(body),
          (service, agent) -> run.resources.add(service + "|" + agent));
      return run;
    }
  }

  static OtlpException refused(Signal signal, Encoding encoding, byte[] body) {
    return assertThrows(OtlpException.class, () -> Run.of(signal, encoding, body));
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  // --- requests as the OpenTelemetry Java SDK encodes them ---

  @ParameterizedTest
  @EnumSource(Encoding.class)
  void inspect_sdkTracesFromAndroid_androidJavaAndEverySpan(Encoding encoding) throws Exception {
    Run run = Run.of(Signal.TRACES, encoding, OtlpSamples.traces(encoding, OtlpSamples.spans(OtlpSamples.android("shop-android"), 3)));
    assertEquals(List.of("shop-android|android/java"), run.resources);
    assertEquals(3, run.count);
  }

  @ParameterizedTest
  @EnumSource(Encoding.class)
  void inspect_sdkTracesFromTwoResources_eachCheckedInOrder(Encoding encoding) throws Exception {
    List<SpanData> spans = new ArrayList<>(OtlpSamples.spans(OtlpSamples.ios("shop-ios"), 2));
    spans.addAll(OtlpSamples.spans(OtlpSamples.android("shop-android"), 1));
    Run run = Run.of(Signal.TRACES, encoding, OtlpSamples.traces(encoding, spans));
    // The SDK groups spans by resource in hash order; both must be checked, in the order sent.
    assertEquals(java.util.Set.of("shop-ios|iOS/swift", "shop-android|android/java"), java.util.Set.copyOf(run.resources));
    assertEquals(2, run.resources.size());
    assertEquals(3, run.count);
  }

  @ParameterizedTest
  @EnumSource(Encoding.class)
  void inspect_sdkMetrics_countsDataPoints(Encoding encoding) throws Exception {
    Run run = Run.of(Signal.METRICS, encoding,
        OtlpSamples.metrics(encoding, OtlpSamples.metrics(OtlpSamples.ios("shop-ios"), 2, 1, 0)));
    assertEquals(List.of("shop-ios|iOS/swift"), run.resources);
    assertEquals(3, run.count);
  }

  @ParameterizedTest
  @EnumSource(Encoding.class)
  void inspect_sdkLogs_countsLogRecords(Encoding encoding) throws Exception {
    Run run = Run.of(Signal.LOGS, encoding, OtlpSamples.logs(encoding, OtlpSamples.logs(OtlpSamples.android("a"), 4)));
    assertEquals(List.of("a|android/java"), run.resources);
    assertEquals(4, run.count);
  }

  @ParameterizedTest
  @EnumSource(Encoding.class)
  void inspect_sdkDefaultResource_opentelemetryJava(Encoding encoding) throws Exception {
    Run run = Run.of(Signal.TRACES, encoding, OtlpSamples.traces(encoding, OtlpSamples.spans(Resource.getDefault(), 1)));
    assertEquals(List.of("unknown_service_java|opentelemetry/java"), run.resources);
  }

  @Test
  void inspect_tracesBodyOnLogsEndpoint_nothingOfItCounted() throws Exception {
    byte[] traces = OtlpSamples.traces(Encoding.JSON, OtlpSamples.spans(OtlpSamples.android("a"), 2));
    Run run = Run.of(Signal.LOGS, Encoding.JSON, traces);
    assertEquals(List.of(), run.resources);
    assertEquals(0, run.count);
  }

  // --- protobuf vectors ---

  @Test
  void inspect_emptyProtobuf_validRequestWithNothing() throws Exception {
    Run run = Run.of(Signal.TRACES, Encoding.PROTOBUF, new byte[0]);
    assertEquals(List.of(), run.resources);
    assertEquals(0, run.count);
  }

  @Test
  void inspect_resourceWithoutAttributes_unknownOtlp() throws Exception {
    Run run = Run.of(Signal.TRACES, Encoding.PROTOBUF, traces(message().message(2, message())));
    assertEquals(List.of("unknown|otlp"), run.resources);
  }

  @Test
  void inspect_resourceGivenTwice_attributesMergedAsProtobufDoes() throws Exception {
    Proto spans = message()
        .message(1, resource(stringAttribute("service.name", "a")))
        .message(1, resource(stringAttribute("telemetry.sdk.name", "android")));
    assertEquals(List.of("a|android"), Run.of(Signal.TRACES, Encoding.PROTOBUF, traces(spans)).resources);
  }

  @Test
  void inspect_serviceNameTwice_400() {
    byte[] body = traces(resourceSpans(
        resource(stringAttribute("service.name", "allowed"), stringAttribute("service.name", "other")), 1));
    OtlpException e = refused(Signal.TRACES, Encoding.PROTOBUF, body);
    assertEquals(400, e.status());
    assertEquals("data decoding error: resource attribute \"service.name\" given more than once", e.getMessage());
  }

  @Test
  void inspect_anyValueLastOneofWins_intAfterStringIsNoName() throws Exception {
    Proto attribute = message().string(1, "service.name")
        .message(2, message().string(1, "allowed"))
        .message(2, message().varint(3, 42));
    assertEquals(List.of("unknown|otlp"),
        Run.of(Signal.TRACES, Encoding.PROTOBUF, traces(resourceSpans(resource(attribute), 0))).resources);
  }

  @Test
  void inspect_keyAfterValueAndUnknownFields_stillRead() throws Exception {
    Proto attribute = message().varint(9, 1).message(2, message().string(1, "x")).string(1, "service.name");
    Proto resourceSpans = message().string(3, "schema").message(1, resource(attribute)).raw(new byte[] {0x7d, 0, 0, 0, 0});
    assertEquals(List.of("x|otlp"), Run.of(Signal.TRACES, Encoding.PROTOBUF, traces(resourceSpans)).resources);
  }

  @Test
  void inspect_deprecatedScopeField1000_countedToo() throws Exception {
    Proto scope = message().message(2, message()).message(2, message());
    Proto resourceSpans = message().message(1000, scope).message(2, scope);
    assertEquals(4, Run.of(Signal.TRACES, Encoding.PROTOBUF, traces(resourceSpans)).count);
  }

  @Test
  void inspect_metricEveryDataKind_countsPoints() throws Exception {
    Proto points = message().message(1, message()).message(1, message());
    Proto metric = message().string(1, "m").message(5, points).message(7, points).message(9, points)
        .message(10, points).message(11, points).message(12, points);
    Proto request = message().message(1, message().message(2, message().message(2, metric)));
    assertEquals(10, Run.of(Signal.METRICS, Encoding.PROTOBUF, request.toBytes()).count);
  }

  @Test
  void inspect_longServiceName_cutTo1024AsApm() throws Exception {
    String name = "s".repeat(5000);
    Run run = Run.of(Signal.LOGS, Encoding.PROTOBUF, traces(resourceSpans(resource(stringAttribute("service.name", name)), 0)));
    assertEquals(List.of("s".repeat(1024) + "|otlp"), run.resources);
  }

  @Test
  void inspect_relevantKeyWithPaddingLongerThanAnyRelevantKey_ignored() throws Exception {
    Run run = Run.of(Signal.TRACES, Encoding.PROTOBUF,
        traces(resourceSpans(resource(stringAttribute("service.name" + "\0".repeat(40), "x")), 0)));
    assertEquals(List.of("unknown|otlp"), run.resources);
  }

  static final String PB = "data decoding error: invalid OTLP protobuf: ";

  @Test
  void inspect_truncatedVarint_400() {
    assertEquals(PB + "truncated message",
        refused(Signal.TRACES, Encoding.PROTOBUF, new byte[] {0x0a, (byte) 0x80}).getMessage());
  }

  @Test
  void inspect_elevenByteVarint_400() {
    byte[] body = new byte[] {0x10, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0};
    assertEquals(PB + "varint overflows 64 bits", refused(Signal.TRACES, Encoding.PROTOBUF, body).getMessage());
  }

  @Test
  void inspect_absurdLengthAtTopLevel_400WithoutAllocating() {
    byte[] body = message().tag(1, 2).raw(Proto.varint(1L << 40)).toBytes();
    assertEquals(PB + "length out of bounds", refused(Signal.TRACES, Encoding.PROTOBUF, body).getMessage());
  }

  @Test
  void inspect_lengthBeyondEnclosingMessage_400() {
    byte[] inner = message().tag(1, 2).raw(Proto.varint(100)).toBytes();
    byte[] body = message().bytes(1, inner).toBytes();
    assertEquals(PB + "length out of bounds", refused(Signal.TRACES, Encoding.PROTOBUF, body).getMessage());
  }

  @Test
  void inspect_skippedFieldLongerThanBody_400() {
    byte[] body = message().tag(7, 2).raw(Proto.varint(1000)).raw(new byte[10]).toBytes();
    assertEquals(PB + "truncated message", refused(Signal.TRACES, Encoding.PROTOBUF, body).getMessage());
  }

  @Test
  void inspect_resourceSpansAsVarint_400WrongWireType() {
    assertEquals(PB + "wrong wire type 0 for field 1",
        refused(Signal.TRACES, Encoding.PROTOBUF, message().varint(1, 5).toBytes()).getMessage());
  }

  @ParameterizedTest
  @ValueSource(ints = {3, 4})
  void inspect_group_400(int wireType) {
    assertEquals(PB + "groups are not supported",
        refused(Signal.TRACES, Encoding.PROTOBUF, message().tag(9, wireType).toBytes()).getMessage());
  }

  @Test
  void inspect_wireType7_400() {
    assertEquals(PB + "invalid wire type 7", refused(Signal.TRACES, Encoding.PROTOBUF, new byte[] {0x0f}).getMessage());
  }

  @Test
  void inspect_fieldZero_400() {
    assertEquals(PB + "invalid tag", refused(Signal.TRACES, Encoding.PROTOBUF, new byte[] {0x00, 0x00}).getMessage());
  }

  @Test
  void inspect_checkThrows_propagatedAndWalkStops() {
    byte[] body = traces(resourceSpans(resource(stringAttribute("service.name", "evil")), 1));
    OtlpException e = assertThrows(OtlpException.class, () -> OtlpDecoder.inspect(Signal.TRACES, Encoding.PROTOBUF,
        new ByteArrayInputStream(body), (service, agent) -> {
          throw new OtlpException(403, "no " + service);
        }));
    assertEquals(403, e.status());
    assertEquals("no evil", e.getMessage());
  }

  @Test
  void inspect_millionsOfEmptyResources_linearTime() {
    byte[] body = new byte[8 * 1024 * 1024];
    for (int i = 0; i < body.length; i += 2) {
      body[i] = 0x0a; // field 1, length 0: an empty ResourceSpans
    }
    assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
      int[] resources = {0};
      OtlpDecoder.inspect(Signal.TRACES, Encoding.PROTOBUF, new ByteArrayInputStream(body), (s, a) -> resources[0]++);
      assertEquals(body.length / 2, resources[0]);
    });
  }

  // --- JSON vectors ---

  static final String JS = "data decoding error: invalid OTLP JSON: ";

  @Test
  void inspect_jsonEmptyObject_nothing() throws Exception {
    Run run = Run.of(Signal.TRACES, Encoding.JSON, utf8("{}"));
    assertEquals(0, run.count);
    assertEquals(List.of(), run.resources);
  }

  @Test
  void inspect_jsonProtoFieldNames_walkedToo() throws Exception {
    String body = """
        {"resource_spans":[{"resource":{"attributes":[
          {"key":"service.name","value":{"string_value":"evil"}},
          {"key":"telemetry.sdk.name","value":{"stringValue":"x"}}]},
         "scope_spans":[{"spans":[{},{}]}]}],
         "resourceSpans":[null]}""";
    Run run = Run.of(Signal.TRACES, Encoding.JSON, utf8(body));
    assertEquals(List.of("evil|x", "unknown|otlp"), run.resources);
    assertEquals(2, run.count);
  }

  @Test
  void inspect_jsonDistroWithoutLanguage_unknownLanguage() throws Exception {
    String body = """
        {"resourceLogs":[{"resource":{"attributes":[
          {"key":"telemetry.distro.name","value":{"stringValue":"elastic"}},
          {"key":"telemetry.sdk.name","value":{"stringValue":"opentelemetry"}}]},
         "scopeLogs":[{"logRecords":[{"body":{"stringValue":"hi"}}]}]}]}""";
    Run run = Run.of(Signal.LOGS, Encoding.JSON, utf8(body));
    assertEquals(List.of("unknown|opentelemetry/unknown/elastic"), run.resources);
    assertEquals(1, run.count);
  }

  @Test
  void inspect_jsonMetricsDataPoints_counted() throws Exception {
    String body = """
        {"resourceMetrics":[{"scopeMetrics":[{"metrics":[
          {"name":"a","sum":{"dataPoints":[{"asInt":"1"},{"asInt":"2"}]}},
          {"name":"b","exponential_histogram":{"data_points":[{}]},"gauge":null}]}]}]}""";
    assertEquals(3, Run.of(Signal.METRICS, Encoding.JSON, utf8(body)).count);
  }

  @Test
  void inspect_jsonNonStringServiceName_unknown() throws Exception {
    String body = """
        {"resourceSpans":[{"resource":{"attributes":[{"value":{"stringValue":"a","intValue":"3"},"key":"service.name"}]}}]}""";
    assertEquals(List.of("unknown|otlp"), Run.of(Signal.TRACES, Encoding.JSON, utf8(body)).resources);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", "[]", "{", "{\"resourceSpans\":[{]}", "{} {}", "{\"resourceSpans\":{}}", "{\"resourceSpans\":[1]}",
      "{\"resourceSpans\":[{\"resource\":[]}]}", "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":1}]}}]}",
      "\u00ff\u00fe"})
  void inspect_malformedJson_400(String body) {
    OtlpException e = refused(Signal.TRACES, Encoding.JSON, utf8(body));
    assertEquals(400, e.status());
    assertEquals(true, e.getMessage().startsWith(JS), e.getMessage());
  }

  @Test
  void inspect_jsonNestedDeep_400() {
    String body = "{\"x\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}";
    assertEquals(JS + "nested too deep", refused(Signal.TRACES, Encoding.JSON, utf8(body)).getMessage());
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"00007b00", "007b0000", "00fffe00", "0000007b00000000"})
  void inspect_jsonThatLooksLikeUtf32_refused400(String hex) {
    // Jackson guesses UTF-16/32 from the first bytes and its decoder throws CharConversionException, an
    // IOException that must not escape as a body-read failure.
    OtlpException e = refused(Signal.TRACES, Encoding.JSON, java.util.HexFormat.of().parseHex(hex));
    assertEquals(400, e.status());
  }
}
