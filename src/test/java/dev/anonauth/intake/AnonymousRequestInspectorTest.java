package dev.anonauth.intake;

import static dev.anonauth.intake.FakeRequests.deflate;
import static dev.anonauth.intake.FakeRequests.gzip;
import static dev.anonauth.intake.FakeRequests.post;
import static dev.anonauth.intake.FakeRequests.resource;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.anonauth.http.Messages;
import dev.anonauth.http.ReplayingRequest;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AnonymousRequestInspectorTest {

  private static final String V2 = "/intake/v2/rum/events";
  private static final String V3 = "/intake/v3/rum/events";
  private static final String RUM_META =
      "{\"metadata\":{\"service\":{\"name\":\"shop\",\"agent\":{\"name\":\"rum-js\",\"version\":\"5\"}}}}\n";
  private static final String TX = "{\"transaction\":{\"id\":\"1\",\"type\":\"page-load\",\"duration\":1}}\n";

  private static final AnonymousRequestInspector ANY =
      new AnonymousRequestInspector(Set.of(), Set.of(), 307_200, 10L * 1024 * 1024);
  private static final AnonymousRequestInspector RUM_DEFAULTS =
      new AnonymousRequestInspector(Set.of("rum-js", "js-base"), Set.of(), 307_200, 10L * 1024 * 1024);

  // --- the shared payloads -------------------------------------------------------------------

  @ParameterizedTest(name = "{0}: {1} events")
  @CsvSource({
    "intake-v2-errors_rum.ndjson, 1",
    "intake-v2-events.ndjson, 4",
    "intake-v2-heavy.ndjson, 1920",
    "intake-v2-invalid-event.ndjson, 2",
    "intake-v2-metadata-null-values.ndjson, 1",
    "intake-v2-minimal-service.ndjson, 2",
    "intake-v2-transactions.ndjson, 5",
    "intake-v2-transactions_spans_rum.ndjson, 2",
    "intake-v2-transactions_spans_rum_2.ndjson, 2",
    "intake-v3-rum_errors.ndjson, 1",
    "intake-v3-rum_events.ndjson, 11",
    // No service, no agent: "" for both, and empty allowlists allow anything.
    "intake-v2-invalid-metadata.ndjson, 1",
  })
  void inspect_validPayloadAnyAllowlist_admittedWithEventCount(String file, int events) throws IOException {
    byte[] body = resource(file);
    // Plain, gzip and zlib are sniffed without a header (as APM); raw deflate has no header to sniff.
    for (byte[] sent : new byte[][] {body, gzip(body), deflate(body, false)}) {
      Inspection.Admitted admitted = admitted(ANY.inspect(Action.EVENT_INGEST, post(V2, sent)));
      assertEquals(events, admitted.events());
      assertArrayEquals(sent, admitted.request().getInputStream().readAllBytes());
    }
    byte[] raw = deflate(body, true);
    Inspection.Admitted admitted =
        admitted(ANY.inspect(Action.EVENT_INGEST, post(V2, raw, Map.of("Content-Encoding", "deflate"))));
    assertEquals(events, admitted.events());
    assertArrayEquals(raw, admitted.request().getInputStream().readAllBytes());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "intake-v2-errors_rum.ndjson, 1",
    "intake-v2-transactions_spans_rum.ndjson, 2",
    "intake-v2-transactions_spans_rum_2.ndjson, 2",
    "intake-v3-rum_errors.ndjson, 1",
    "intake-v3-rum_events.ndjson, 11",
  })
  void inspect_rumPayloadRumAgentAllowlist_admitted(String file, int events) throws IOException {
    assertEquals(events, admitted(RUM_DEFAULTS.inspect(Action.EVENT_INGEST, post(V3, resource(file)))).events());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "intake-v2-events.ndjson, java",
    "intake-v2-heavy.ndjson, elastic-node",
    "intake-v2-invalid-event.ndjson, elastic-node",
    "intake-v2-metadata-null-values.ndjson, elastic-node",
    "intake-v2-minimal-service.ndjson, elastic-node",
    "intake-v2-transactions.ndjson, elastic-node",
    "intake-v2-invalid-metadata.ndjson, ''",
  })
  void inspect_backendAgentPayloadRumAgentAllowlist_refused403(String file, String agent) throws IOException {
    assertRefused(RUM_DEFAULTS.inspect(Action.EVENT_INGEST, post(V2, resource(file))),
        403, Messages.agentNotPermitted(agent), null);
  }

  @Test
  void inspect_invalidJsonEventFile_refusedAsUnrecognizedTypeLikeApm() throws IOException {
    assertRefused(ANY.inspect(Action.EVENT_INGEST, post(V2, resource("intake-v2-invalid-json-event.ndjson"))),
        400, "did not recognize object type: \"invalid-json\"", "{ \"invalid-json\" }");
  }

  @Test
  void inspect_invalidJsonMetadataFile_refused400() throws IOException {
    assertRefused(ANY.inspect(Action.EVENT_INGEST, post(V2, resource("intake-v2-invalid-json-metadata.ndjson"))),
        400, Messages.INVALID_JSON, "{\"metadata\": {\"invalid-json\"}}");
  }

  @Test
  void inspect_metadataOnlyWithoutNewline_refusedEofWhileReadingMetadataLikeApm() throws IOException {
    byte[] body = resource("intake-v3-metadata.ndjson");
    assertRefused(ANY.inspect(Action.EVENT_INGEST, post(V3, body)),
        400, Messages.EOF_WHILE_READING_METADATA, new String(body, UTF_8));
  }

  @Test
  void inspect_metadataOnlyWithNewline_admittedWithNoEvents() throws IOException {
    assertEquals(0, admitted(RUM_DEFAULTS.inspect(Action.EVENT_INGEST, post(V2, bytes(RUM_META)))).events());
  }

  // --- allowlists per event --------------------------------------------------------------------

  @Test
  void inspect_eventOverridesToDisallowedService_refused403() throws IOException {
    var inspector = new AnonymousRequestInspector(Set.of(), Set.of("shop"), 307_200, 1 << 20);
    String evil = "{\"error\":{\"id\":\"1\",\"context\":{\"service\":{\"name\":\"evil\"}}}}\n";
    assertRefused(inspector.inspect(Action.EVENT_INGEST, post(V2, bytes(RUM_META + TX + evil))),
        403, Messages.serviceNotPermitted("evil"), null);
  }

  @Test
  void inspect_eventOverridesToDisallowedAgent_refused403() throws IOException {
    String evil = "{\"span\":{\"context\":{\"service\":{\"agent\":{\"name\":\"java\"}}}}}\n";
    assertRefused(RUM_DEFAULTS.inspect(Action.EVENT_INGEST, post(V2, bytes(RUM_META + evil + TX))),
        403, Messages.agentNotPermitted("java"), null);
  }

  @Test
  void inspect_eventOverridesToAllowedServiceAndAgent_admitted() throws IOException {
    var inspector = new AnonymousRequestInspector(Set.of("rum-js", "js-base"), Set.of("shop", "blog"), 307_200, 1 << 20);
    String other = "{\"transaction\":{\"context\":{\"service\":{\"name\":\"blog\",\"agent\":{\"name\":\"js-base\"}}}}}\n";
    assertEquals(2, admitted(inspector.inspect(Action.EVENT_INGEST, post(V2, bytes(RUM_META + TX + other)))).events());
  }

  @Test
  void inspect_serviceAndAgentBothDisallowed_serviceReportedFirst() throws IOException {
    var inspector = new AnonymousRequestInspector(Set.of("rum-js"), Set.of("shop"), 307_200, 1 << 20);
    String body = "{\"metadata\":{\"service\":{\"name\":\"evil\",\"agent\":{\"name\":\"java\"}}}}\n" + TX;
    assertRefused(inspector.inspect(Action.EVENT_INGEST, post(V2, bytes(body))),
        403, Messages.serviceNotPermitted("evil"), null);
  }

  @Test
  void inspect_allowlistIsCaseSensitive_refused403() throws IOException {
    String body = "{\"metadata\":{\"service\":{\"name\":\"shop\",\"agent\":{\"name\":\"RUM-JS\"}}}}\n" + TX;
    assertRefused(RUM_DEFAULTS.inspect(Action.EVENT_INGEST, post(V2, bytes(body))),
        403, Messages.agentNotPermitted("RUM-JS"), null);
  }

  @Test
  void inspect_emptyAllowlists_anyServiceAndAgentAdmitted() throws IOException {
    String body = "{\"metadata\":{\"service\":{\"name\":\"x\",\"agent\":{\"name\":\"whatever\"}}}}\n" + TX;
    assertEquals(1, admitted(ANY.inspect(Action.EVENT_INGEST, post(V2, bytes(body)))).events());
  }

  @Test
  void inspect_v3EventOverridesService_refused403() throws IOException {
    var inspector = new AnonymousRequestInspector(Set.of(), Set.of("apm-a-rum-test-e2e-general-usecase"), 307_200, 1 << 20);
    String body = new String(resource("intake-v3-rum_errors.ndjson"), UTF_8)
        + "{\"e\":{\"id\":\"1\",\"c\":{\"se\":{\"n\":\"evil\"}}}}\n";
    assertRefused(inspector.inspect(Action.EVENT_INGEST, post(V3, bytes(body))),
        403, Messages.serviceNotPermitted("evil"), null);
  }

  @Test
  void inspect_v3EmbeddedSpanOverridesAgent_refused403() throws IOException {
    String body = "{\"m\":{\"se\":{\"n\":\"shop\",\"a\":{\"n\":\"js-base\",\"ve\":\"1\"}}}}\n"
        + "{\"x\":{\"id\":\"1\",\"y\":[{\"id\":\"2\"},{\"id\":\"3\",\"c\":{\"se\":{\"a\":{\"n\":\"java\"}}}}]}}\n";
    assertRefused(RUM_DEFAULTS.inspect(Action.EVENT_INGEST, post(V3, bytes(body))),
        403, Messages.agentNotPermitted("java"), null);
  }

  @Test
  void inspect_metricsetAndLogServiceOverride_checked() throws IOException {
    var inspector = new AnonymousRequestInspector(Set.of(), Set.of("shop"), 307_200, 1 << 20);
    for (String evil : new String[] {
        "{\"metricset\":{\"service\":{\"name\":\"evil\"},\"samples\":{}}}\n",
        "{\"log\":{\"message\":\"m\",\"service.name\":\"evil\"}}\n",
        "{\"log\":{\"message\":\"m\",\"service\":{\"name\":\"evil\"}}}\n"}) {
      assertRefused(inspector.inspect(Action.EVENT_INGEST, post(V2, bytes(RUM_META + evil))),
          403, Messages.serviceNotPermitted("evil"), null);
    }
  }

  @Test
  void inspect_duplicateOrCaseVariantServiceKeys_everyValueMustBeAllowed() throws IOException {
    var inspector = new AnonymousRequestInspector(Set.of(), Set.of("shop"), 307_200, 1 << 20);
    for (String evil : new String[] {
        "{\"error\":{\"context\":{\"service\":{\"name\":\"shop\",\"name\":\"evil\"}}}}\n",
        "{\"error\":{\"context\":{\"service\":{\"name\":\"shop\",\"Name\":\"evil\"}}}}\n",
        "{\"error\":{\"Context\":{\"SERVICE\":{\"name\":\"evil\"}}}}\n"}) {
      assertRefused(inspector.inspect(Action.EVENT_INGEST, post(V2, bytes(RUM_META + evil))),
          403, Messages.serviceNotPermitted("evil"), null);
    }
  }

  @Test
  void inspect_missingServiceWithServiceAllowlist_refusedForEmptyName() throws IOException {
    var inspector = new AnonymousRequestInspector(Set.of(), Set.of("shop"), 307_200, 1 << 20);
    String body = "{\"metadata\":{\"service\":{\"agent\":{\"name\":\"rum-js\"}}}}\n" + TX;
    assertRefused(inspector.inspect(Action.EVENT_INGEST, post(V2, bytes(body))),
        403, Messages.serviceNotPermitted(""), null);
  }

  @Test
  void inspect_serviceNameNotAString_refused400() throws IOException {
    String body = "{\"metadata\":{\"service\":{\"name\":[\"shop\"],\"agent\":{\"name\":\"rum-js\"}}}}\n" + TX;
    assertRefused(ANY.inspect(Action.EVENT_INGEST, post(V2, bytes(body))), 400, Messages.INVALID_SERVICE_FIELD, null);
  }

  // --- other actions -----------------------------------------------------------------------------

  @Test
  void inspect_sourcemapUpload_refused403WithoutReadingBody() throws IOException {
    HttpServletRequest request = post("/assets/v1/sourcemaps", bytes("x"));
    assertRefused(RUM_DEFAULTS.inspect(Action.SOURCEMAP_UPLOAD, request), 403, Messages.SOURCEMAP_UPLOAD_NOT_PERMITTED, null);
    verify(request, never()).getInputStream();
  }

  @Test
  void inspect_unknownAction_refused403() throws IOException {
    assertRefused(RUM_DEFAULTS.inspect(Action.UNKNOWN, post("/", bytes(""))), 403, Messages.UNKNOWN_ACTION_NOT_PERMITTED, null);
  }

  @Test
  void inspect_agentConfigGetAllowedService_admittedUnwrapped() throws IOException {
    var inspector = new AnonymousRequestInspector(Set.of("rum-js"), Set.of("shop"), 307_200, 1 << 20);
    HttpServletRequest request = mock(HttpServletRequest.class);
    when(request.getMethod()).thenReturn("GET");
    when(request.getParameterValues("service.name")).thenReturn(new String[] {"shop"});
    Inspection.Admitted admitted = admitted(inspector.inspect(Action.AGENT_CONFIG, request));
    assertSame(request, admitted.request());
    assertEquals(0, admitted.events());
  }

  @Test
  void inspect_agentConfigGetDisallowedService_refused403() throws IOException {
    var inspector = new AnonymousRequestInspector(Set.of("rum-js"), Set.of("shop"), 307_200, 1 << 20);
    HttpServletRequest request = mock(HttpServletRequest.class);
    when(request.getMethod()).thenReturn("GET");
    when(request.getParameterValues("service.name")).thenReturn(new String[] {"shop", "evil"});
    assertRefused(inspector.inspect(Action.AGENT_CONFIG, request), 403, Messages.serviceNotPermitted("evil"), null);
  }

  @Test
  void inspect_agentConfigGetWithoutService_refused400() throws IOException {
    HttpServletRequest request = mock(HttpServletRequest.class);
    when(request.getMethod()).thenReturn("GET");
    assertRefused(ANY.inspect(Action.AGENT_CONFIG, request), 400, Messages.SERVICE_NAME_REQUIRED, null);
  }

  @Test
  void inspect_agentConfigPostBody_serviceCheckedAndBodyReplayed() throws IOException {
    var inspector = new AnonymousRequestInspector(Set.of("rum-js"), Set.of("shop"), 307_200, 1 << 20);
    byte[] allowed = bytes("{\"service\":{\"name\":\"shop\",\"environment\":\"prod\"},\"etag\":\"1\"}");
    Inspection.Admitted admitted = admitted(inspector.inspect(Action.AGENT_CONFIG, post("/config/v1/agents", allowed)));
    assertArrayEquals(allowed, admitted.request().getInputStream().readAllBytes());
    assertRefused(inspector.inspect(Action.AGENT_CONFIG, post("/config/v1/agents", bytes("{\"service\":{\"name\":\"evil\"}}"))),
        403, Messages.serviceNotPermitted("evil"), null);
    assertRefused(inspector.inspect(Action.AGENT_CONFIG, post("/config/v1/agents", bytes("{\"service\":{}}"))),
        400, Messages.SERVICE_NAME_REQUIRED, null);
    assertRefused(inspector.inspect(Action.AGENT_CONFIG, post("/config/v1/agents", bytes("{\"service\":"))),
        400, Messages.INVALID_QUERY, null);
  }

  @Test
  void inspect_agentConfigFormPost_serviceFromFormCheckedAndParametersReplayed() throws IOException {
    var inspector = new AnonymousRequestInspector(Set.of("rum-js"), Set.of("shop"), 307_200, 1 << 20);
    Map<String, String> form = Map.of("Content-Type", "application/x-www-form-urlencoded");
    Inspection.Admitted admitted = admitted(inspector.inspect(Action.AGENT_CONFIG,
        post("/config/v1/agents", bytes("service.name=shop&etag=7"), form)));
    assertEquals("7", admitted.request().getParameter("etag"));
    assertRefused(inspector.inspect(Action.AGENT_CONFIG, post("/config/v1/agents", bytes("service.name=evil"), form)),
        403, Messages.serviceNotPermitted("evil"), null);
    assertRefused(inspector.inspect(Action.AGENT_CONFIG, post("/config/v1/agents", bytes("etag=7"), form)),
        400, Messages.SERVICE_NAME_REQUIRED, null);
  }

  // --- encodings ---------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"gzip", "GZIP", " Gzip ", "x-gzip"})
  void inspect_gzipHeaderAnyCase_decoded(String header) throws IOException {
    byte[] body = gzip(bytes(RUM_META + TX));
    assertEquals(1, admitted(RUM_DEFAULTS.inspect(Action.EVENT_INGEST,
        post(V2, body, Map.of("Content-Encoding", header)))).events());
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void inspect_deflateHeaderZlibOrRaw_decoded(boolean raw) throws IOException {
    byte[] body = deflate(bytes(RUM_META + TX), raw);
    assertEquals(1, admitted(RUM_DEFAULTS.inspect(Action.EVENT_INGEST,
        post(V2, body, Map.of("Content-Encoding", "Deflate")))).events());
  }

  @Test
  void inspect_gzipHeaderOnPlainBody_refused400() throws IOException {
    assertRefused(RUM_DEFAULTS.inspect(Action.EVENT_INGEST, post(V2, bytes(RUM_META + TX), Map.of("Content-Encoding", "gzip"))),
        400, "data decoding error: gzip: invalid header", null);
  }

  @Test
  void inspect_unknownContentEncoding_refused400() throws IOException {
    assertRefused(RUM_DEFAULTS.inspect(Action.EVENT_INGEST, post(V2, bytes(RUM_META + TX), Map.of("Content-Encoding", "br"))),
        400, "unsupported Content-Encoding \"br\": expected gzip, deflate or none", null);
  }

  @Test
  void inspect_truncatedGzip_refused400() throws IOException {
    byte[] body = gzip(resource("intake-v3-rum_events.ndjson"));
    byte[] truncated = Arrays.copyOf(body, body.length / 2);
    assertRefused(RUM_DEFAULTS.inspect(Action.EVENT_INGEST, post(V3, truncated)),
        400, "data decoding error: gzip: unexpected EOF", null);
  }

  @Test
  void inspect_truncatedZlib_refused400() throws IOException {
    byte[] body = deflate(resource("intake-v3-rum_events.ndjson"), false);
    assertRefused(RUM_DEFAULTS.inspect(Action.EVENT_INGEST, post(V3, Arrays.copyOf(body, body.length / 2))),
        400, "data decoding error: zlib: unexpected EOF", null);
  }

  @Test
  void inspect_corruptGzipChecksum_refused400() throws IOException {
    byte[] body = gzip(bytes(RUM_META + TX));
    body[body.length - 5] ^= 0x55; // CRC32 in the trailer
    assertRefused(RUM_DEFAULTS.inspect(Action.EVENT_INGEST, post(V2, body)),
        400, "data decoding error: gzip: invalid checksum", null);
  }

  @Test
  void inspect_gzipBomb_refused413AfterBoundedWork() throws IOException {
    byte[] bomb = gzipOfZeros(1L << 30); // ~1 MiB expanding to 1 GiB
    assertTrue(bomb.length > 512 << 10 && bomb.length < 2 << 20, "bomb is " + bomb.length + " bytes");
    Inspection result = ANY.inspect(Action.EVENT_INGEST, post(V2, bomb));
    // Zeros hold no newline: the line bound (300 KiB) stops it long before the request bound.
    assertRefused(result, 400, Messages.EVENT_TOO_LARGE, null);
    var tightLines = new AnonymousRequestInspector(Set.of(), Set.of(), Integer.MAX_VALUE, 10L << 20);
    assertRefused(tightLines.inspect(Action.EVENT_INGEST, post(V2, bomb)), 413, Messages.REQUEST_TOO_LARGE, null);
  }

  @Test
  void inspect_gzipBombOfManySmallLines_refused413() throws IOException {
    // Lines of blank-ish events so that only the decoded-size bound can stop it.
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(bytes(RUM_META));
      byte[] chunk = new byte[1 << 16];
      Arrays.fill(chunk, (byte) '\n');
      for (int i = 0; i < 256; i++) { // 16 MiB of empty lines
        out.write(chunk);
      }
    }
    assertRefused(ANY.inspect(Action.EVENT_INGEST, post(V2, bytes.toByteArray())), 413, Messages.REQUEST_TOO_LARGE, null);
  }

  // --- hostile and broken input ------------------------------------------------------------------

  @Test
  void inspect_emptyBody_refused400() throws IOException {
    assertRefused(ANY.inspect(Action.EVENT_INGEST, post(V2, new byte[0])), 400, Messages.EMPTY_BODY, null);
  }

  @Test
  void inspect_truncatedJson_refused400() throws IOException {
    String body = RUM_META + "{\"transaction\":{\"id\":\"1\",\"type\":";
    assertRefused(ANY.inspect(Action.EVENT_INGEST, post(V2, bytes(body))),
        400, Messages.INVALID_JSON, "{\"transaction\":{\"id\":\"1\",\"type\":");
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"not\": \"metadata\"}", "{\"transaction\":{}}", "[1]", "\n{\"metadata\":{}}"})
  void inspect_firstLineNotMetadata_refused400(String first) throws IOException {
    Inspection result = ANY.inspect(Action.EVENT_INGEST, post(V2, bytes(first + "\n" + TX)));
    assertRefused(result, 400, Messages.METADATA_REQUIRED, ((Inspection.Refused) result).document());
  }

  @Test
  void inspect_metadataKeyApmAcceptsOnEveryEndpoint_v3MetadataOnV2PathAdmitted() throws IOException {
    // elastic/apm-data's processor accepts "metadata" and "m" on every intake endpoint; so do we.
    String body = "{\"m\":{\"se\":{\"n\":\"shop\",\"a\":{\"n\":\"rum-js\"}}}}\n" + TX;
    assertEquals(1, admitted(RUM_DEFAULTS.inspect(Action.EVENT_INGEST, post(V2, bytes(body)))).events());
  }

  @Test
  void inspect_unknownEventType_refused400WithApmMessage() throws IOException {
    String line = "{\"tennis-court\": {\"name\": \"Centre Court, Wimbledon\"}}";
    assertRefused(ANY.inspect(Action.EVENT_INGEST, post(V2, bytes(RUM_META + line + "\n"))),
        400, "did not recognize object type: \"tennis-court\"", line);
  }

  @Test
  void inspect_unknownEventTypeWithOddCharacters_quotedAsGoQuotes() throws IOException {
    String line = "{\"caf\u00e9\t\\x\u0001\": {}}"; // raw key: café, TAB, backslash, x, U+0001
    assertRefused(ANY.inspect(Action.EVENT_INGEST, post(V2, bytes(RUM_META + line + "\n"))),
        400, "did not recognize object type: \"caf\u00e9\\t\\\\x\\u0001\"", line);
  }

  @Test
  void inspect_rootMetricsetsOrSpansInV3_refusedAsApmDecodesOnlyXAndE() throws IOException {
    String line = "{\"me\":{\"sa\":{}}}";
    assertRefused(ANY.inspect(Action.EVENT_INGEST, post(V3, bytes(RUM_META + line))),
        400, "did not recognize object type: \"me\"", line);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "[1]|did not recognize object type: \"\"",
    "42|did not recognize object type: \"\"",
    "'   '|did not recognize object type: \"\"",
    "\"x\"|data read error: invalid JSON",
    "{\"x\":[]}|data read error: invalid JSON",
    "{\"transaction\":{}}{\"span\":{}}|data read error: invalid JSON",
    "{\"transaction\":{},\"span\":{}}|data read error: invalid JSON",
    "{\"transaction\":null}|data read error: invalid JSON",
    "{'transaction':{}}|data read error: invalid JSON",
  })
  void inspect_lineNotExactlyOneEventObject_refused400(String line, String message) throws IOException {
    assertRefused(ANY.inspect(Action.EVENT_INGEST, post(V2, bytes(RUM_META + line + "\n"))), 400, message, line);
  }

  @Test
  void inspect_emptyLinesBetweenEvents_skippedAsApm() throws IOException {
    assertEquals(2, admitted(ANY.inspect(Action.EVENT_INGEST, post(V2, bytes(RUM_META + "\n" + TX + "\n\n" + TX)))).events());
  }

  @Test
  void inspect_lastEventWithoutNewline_counted() throws IOException {
    assertEquals(1, admitted(ANY.inspect(Action.EVENT_INGEST, post(V2, bytes(RUM_META + TX.strip())))).events());
  }

  @Test
  void inspect_singleTenMebibyteLine_refused400EventTooLargeWithTruncatedDocument() throws IOException {
    byte[] body = new byte[10 << 20];
    Arrays.fill(body, (byte) 'a');
    byte[] meta = bytes(RUM_META + "{\"transaction\":{\"name\":\"");
    System.arraycopy(meta, 0, body, 0, meta.length);
    var inspector = new AnonymousRequestInspector(Set.of(), Set.of(), 307_200, 20L << 20);
    Inspection.Refused refused = assertRefused(inspector.inspect(Action.EVENT_INGEST, post(V2, body)),
        400, Messages.EVENT_TOO_LARGE, null /* checked below */);
    assertEquals(1024, refused.document().length());
    assertTrue(refused.document().startsWith("{\"transaction\":{\"name\":\"aaa"));
  }

  @Test
  void inspect_lineAtExactlyMaxEventSize_lineIncludingNewlineMustFit() throws IOException {
    var inspector = new AnonymousRequestInspector(Set.of(), Set.of(), 100, 1 << 20);
    String meta = "{\"metadata\":{}}\n";
    String prefix = "{\"transaction\":{\"name\":\"";
    String fits = prefix + "a".repeat(99 - prefix.length() - 3) + "\"}}"; // 99 bytes + newline = 100
    assertEquals(99, fits.length());
    assertEquals(1, admitted(inspector.inspect(Action.EVENT_INGEST, post(V2, bytes(meta + fits + "\n")))).events());
    String tooLong = prefix + "a".repeat(100 - prefix.length() - 3) + "\"}}";
    assertRefused(inspector.inspect(Action.EVENT_INGEST, post(V2, bytes(meta + tooLong + "\n"))),
        400, Messages.EVENT_TOO_LARGE, tooLong);
  }

  @Test
  void inspect_deeplyNestedJson_refused400() throws IOException {
    String line = "{\"transaction\":{\"custom\":" + "[".repeat(100_000);
    assertRefused(ANY.inspect(Action.EVENT_INGEST, post(V2, bytes(RUM_META + line + "\n"))),
        400, Messages.JSON_TOO_DEEP, line.substring(0, 1024));
  }

  @Test
  void inspect_hundredThousandTinyEvents_admittedWithExactCount() throws IOException {
    StringBuilder body = new StringBuilder(RUM_META);
    for (int i = 0; i < 100_000; i++) {
      body.append("{\"span\":{}}\n");
    }
    assertEquals(100_000, admitted(RUM_DEFAULTS.inspect(Action.EVENT_INGEST, post(V2, bytes(body.toString())))).events());
  }

  @Test
  void inspect_contentLengthOverLimit_refused413WithoutReading() throws IOException {
    var inspector = new AnonymousRequestInspector(Set.of(), Set.of(), 307_200, 1000);
    HttpServletRequest request = FakeRequests.request("POST", V2, InputStream.nullInputStream(), 1001, Map.of());
    assertRefused(inspector.inspect(Action.EVENT_INGEST, request), 413, Messages.REQUEST_TOO_LARGE, null);
    verify(request, never()).getInputStream();
  }

  @Test
  void inspect_chunkedBodyOverLimit_refused413() throws IOException {
    var inspector = new AnonymousRequestInspector(Set.of(), Set.of(), 307_200, 1000);
    HttpServletRequest request = FakeRequests.request("POST", V2, new ByteArrayInputStream(new byte[1001]), -1, Map.of());
    assertRefused(inspector.inspect(Action.EVENT_INGEST, request), 413, Messages.REQUEST_TOO_LARGE, null);
  }

  @Test
  void inspect_chunkedBodyAtLimit_admitted() throws IOException {
    byte[] body = bytes(RUM_META + TX);
    var inspector = new AnonymousRequestInspector(Set.of(), Set.of(), 307_200, body.length);
    HttpServletRequest request = FakeRequests.request("POST", V2, new ByteArrayInputStream(body), -1, Map.of());
    Inspection.Admitted admitted = admitted(inspector.inspect(Action.EVENT_INGEST, request));
    assertArrayEquals(body, admitted.request().getInputStream().readAllBytes());
    assertEquals(body.length, admitted.request().getContentLengthLong());
  }

  @Test
  void inspect_bodyStopsMidUpload_refused400() throws IOException {
    InputStream failing = new SequenceInputStream(new ByteArrayInputStream(bytes(RUM_META)), new InputStream() {
      @Override
      public int read() throws IOException {
        throw new IOException("org.eclipse.jetty.io.EofException: Early EOF");
      }
    });
    HttpServletRequest request = FakeRequests.request("POST", V2, failing, 5000, Map.of());
    Inspection.Refused refused = assertRefused(ANY.inspect(Action.EVENT_INGEST, request), 400, Messages.BODY_READ_FAILED, null);
    assertTrue(!refused.message().contains("Exception"));
  }

  @Test
  void inspect_bodyShorterThanContentLength_refused400() throws IOException {
    HttpServletRequest request = FakeRequests.request("POST", V2, new ByteArrayInputStream(bytes(RUM_META + TX)), 5000, Map.of());
    assertRefused(ANY.inspect(Action.EVENT_INGEST, request), 400, Messages.BODY_READ_FAILED, null);
  }

  @Test
  void inspect_admitted_replaysSameBytesAndKeepsHeaders() throws IOException {
    byte[] body = gzip(resource("intake-v2-transactions_spans_rum.ndjson"));
    HttpServletRequest request = post(V2, body, Map.of("Content-Encoding", "gzip", "Content-Type", "application/x-ndjson"));
    Inspection.Admitted admitted = admitted(RUM_DEFAULTS.inspect(Action.EVENT_INGEST, request));
    assertInstanceOf(ReplayingRequest.class, admitted.request());
    assertEquals("gzip", admitted.request().getHeader("Content-Encoding"));
    assertArrayEquals(body, admitted.request().getInputStream().readAllBytes());
  }

  @Test
  void constructor_nonPositiveLimits_rejectedNamingTheValue() {
    var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> new AnonymousRequestInspector(Set.of(), Set.of(), 0, 1));
    assertEquals("maxEventSize was set to 0, must be > 0", e.getMessage());
  }

  // --- helpers -------------------------------------------------------------------------------------

  static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  static Inspection.Admitted admitted(Inspection inspection) {
    return assertInstanceOf(Inspection.Admitted.class, inspection, () -> String.valueOf(inspection));
  }

  static Inspection.Refused assertRefused(Inspection inspection, int status, String message, String document) {
    Inspection.Refused refused = assertInstanceOf(Inspection.Refused.class, inspection, () -> String.valueOf(inspection));
    assertEquals(message, refused.message());
    assertEquals(status, refused.status());
    if (document != null) {
      assertEquals(document, refused.document());
    } else if (status == 403) {
      assertNull(refused.document());
    }
    return refused;
  }

  /**
   * gzip of {@code size} zero bytes, cheaply: one member of 1 MiB of zeros (~1 KiB compressed) repeated;
   * concatenated members are one valid gzip stream (RFC 1952 §2.2), which GZIPInputStream reads through.
   */
  static byte[] gzipOfZeros(long size) throws IOException {
    byte[] member = gzip(new byte[1 << 20]);
    int members = (int) (size >> 20);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(member.length * members);
    for (int i = 0; i < members; i++) {
      bytes.write(member);
    }
    return bytes.toByteArray();
  }
}
