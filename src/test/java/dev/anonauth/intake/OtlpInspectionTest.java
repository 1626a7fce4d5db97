package dev.anonauth.intake;

import static dev.anonauth.intake.FakeRequests.post;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.anonauth.http.Messages;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** The inspector's OTLP dispatch: content types, encodings, limits, allowlists, counting. */
class OtlpInspectionTest {

  final AnonymousRequestInspector inspector = new AnonymousRequestInspector(
      Set.of("android/java", "iOS/swift"), Set.of("shop"), 307_200, 64 * 1024);

  static final String IOS = """
      {"resourceSpans":[{"resource":{"attributes":[
        {"key":"service.name","value":{"stringValue":"shop"}},
        {"key":"telemetry.sdk.name","value":{"stringValue":"iOS"}},
        {"key":"telemetry.sdk.language","value":{"stringValue":"swift"}}]},
       "scopeSpans":[{"spans":[{},{},{}]}]}]}""";

  Inspection inspect(String path, byte[] body, Map<String, String> headers) throws Exception {
    return inspector.inspect(Action.OTLP_INGEST, post(path, body, headers));
  }

  static byte[] gzip(byte[] bytes) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(bytes);
    }
    return out.toByteArray();
  }

  @Test
  void inspect_iosJsonWithCharset_admittedCountingSpans() throws Exception {
    byte[] body = IOS.getBytes(StandardCharsets.UTF_8);
    Inspection inspection = inspect("/v1/traces", body, Map.of("Content-Type", "application/json; charset=utf-8"));
    Inspection.Admitted admitted = assertInstanceOf(Inspection.Admitted.class, inspection);
    assertEquals(3, admitted.events());
    assertArrayEquals(body, admitted.request().getInputStream().readAllBytes());
  }

  @Test
  void inspect_gzipJson_decodedAndReplayedCompressed() throws Exception {
    byte[] body = gzip(IOS.getBytes(StandardCharsets.UTF_8));
    Inspection.Admitted admitted = assertInstanceOf(Inspection.Admitted.class,
        inspect("/v1/traces", body, Map.of("Content-Type", "application/json", "Content-Encoding", "gzip")));
    assertEquals(3, admitted.events());
    assertArrayEquals(body, admitted.request().getInputStream().readAllBytes());
  }

  @Test
  void inspect_otherService_403ServiceMessage() throws Exception {
    byte[] body = IOS.replace("\"shop\"", "\"evil\"").getBytes(StandardCharsets.UTF_8);
    assertEquals(new Inspection.Refused(403, Messages.serviceNotPermitted("evil"), null, Inspection.SERVICE_NOT_PERMITTED),
        inspect("/v1/traces", body, Map.of("Content-Type", "application/json")));
  }

  @Test
  void inspect_otherAgent_403AgentMessage() throws Exception {
    byte[] body = IOS.replace("\"swift\"", "\"objc\"").getBytes(StandardCharsets.UTF_8);
    assertEquals(new Inspection.Refused(403, Messages.agentNotPermitted("iOS/objc"), null, Inspection.AGENT_NOT_PERMITTED),
        inspect("/v1/traces", body, Map.of("Content-Type", "application/json")));
  }

  @Test
  void inspect_noContentType_415() throws Exception {
    assertEquals(new Inspection.Refused(415, Messages.unsupportedOtlpContentType(null), null, Inspection.UNSUPPORTED_MEDIA_TYPE),
        inspect("/v1/logs", new byte[0], Map.of()));
  }

  @Test
  void inspect_zlibLookingProtobufWithoutContentEncoding_readRawNotSniffed() throws Exception {
    // 0x78 0x9c is a zlib header, and also field 15 (varint) = 0x1c... as protobuf: an unknown field, skipped.
    byte[] body = {0x78, (byte) 0x9c, 0x01};
    Inspection.Admitted admitted = assertInstanceOf(Inspection.Admitted.class,
        inspect("/v1/metrics", body, Map.of("Content-Type", "application/x-protobuf")));
    assertEquals(0, admitted.events());
  }

  @Test
  void inspect_unknownContentEncoding_400() throws Exception {
    Inspection inspection = inspect("/v1/traces", new byte[0],
        Map.of("Content-Type", "application/x-protobuf", "Content-Encoding", "br"));
    assertEquals(400, assertInstanceOf(Inspection.Refused.class, inspection).status());
  }

  @Test
  void inspect_gzipBomb_413AtTheBound() throws Exception {
    // One unknown field of 1 MiB (valid protobuf, skipped by length): decoded > 64 KiB bound.
    byte[] raw = new byte[1024 * 1024 + 4];
    raw[0] = 0x12; // field 2, length-delimited
    raw[1] = (byte) 0x80; // varint 1 MiB = 0x80 0x80 0x40
    raw[2] = (byte) 0x80;
    raw[3] = 0x40;
    byte[] body = gzip(raw);
    assertEquals(new Inspection.Refused(413, Messages.REQUEST_TOO_LARGE, null, Inspection.TOO_LARGE),
        inspect("/v1/traces", body, Map.of("Content-Type", "application/x-protobuf", "Content-Encoding", "gzip")));
  }

  @Test
  void inspect_truncatedProtobuf_400() throws Exception {
    assertEquals(new Inspection.Refused(400, Messages.invalidOtlpProtobuf("truncated message"), null, Inspection.MALFORMED),
        inspect("/v1/traces", new byte[] {0x0a, 0x05, 0x0a}, Map.of("Content-Type", "application/x-protobuf")));
  }
}
