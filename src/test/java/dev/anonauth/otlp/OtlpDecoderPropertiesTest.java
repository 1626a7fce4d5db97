package dev.anonauth.otlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/** Whatever the bytes: an event count no larger than the body, or a 400/403 — never another exception. */
class OtlpDecoderPropertiesTest {

  static final byte[] VALID_PROTOBUF =
      OtlpSamples.traces(Encoding.PROTOBUF, OtlpSamples.spans(OtlpSamples.android("shop"), 3));
  static final byte[] VALID_JSON =
      OtlpSamples.traces(Encoding.JSON, OtlpSamples.spans(OtlpSamples.ios("shop"), 3));

  static void decodesOrRefuses(Signal signal, Encoding encoding, byte[] body) throws Exception {
    try {
      int count = OtlpDecoder.inspect(signal, encoding, new ByteArrayInputStream(body), (service, agent) -> {
        assertTrue(service.length() <= 1024 && !service.isEmpty());
        assertTrue(agent.length() <= 4096 && !agent.isEmpty());
      });
      assertTrue(count >= 0 && count <= body.length, "count " + count);
    } catch (OtlpException e) {
      assertEquals(400, e.status(), e.getMessage());
    }
  }

  @Property(tries = 3000)
  void inspect_randomBytes_countOr400(@ForAll @Size(max = 512) byte[] body) throws Exception {
    for (Signal signal : Signal.values()) {
      decodesOrRefuses(signal, Encoding.PROTOBUF, body);
      decodesOrRefuses(signal, Encoding.JSON, body);
    }
  }

  @Property(tries = 3000)
  void inspect_mutatedSdkProtobuf_countOr400(@ForAll("mutations") int[] mutation) throws Exception {
    decodesOrRefuses(Signal.TRACES, Encoding.PROTOBUF, mutate(VALID_PROTOBUF, mutation));
  }

  @Property(tries = 2000)
  void inspect_mutatedSdkJson_countOr400(@ForAll("mutations") int[] mutation) throws Exception {
    decodesOrRefuses(Signal.TRACES, Encoding.JSON, mutate(VALID_JSON, mutation));
  }

  /** [cut length, position, new byte, position, new byte, ...] */
  @Provide
  Arbitrary<int[]> mutations() {
    return Arbitraries.integers().between(0, Integer.MAX_VALUE).array(int[].class).ofMinSize(1).ofMaxSize(9);
  }

  static byte[] mutate(byte[] valid, int[] mutation) {
    byte[] body = java.util.Arrays.copyOf(valid, valid.length - mutation[0] % Math.max(1, valid.length / 4));
    for (int i = 1; i + 1 < mutation.length; i += 2) {
      body[mutation[i] % body.length] = (byte) mutation[i + 1];
    }
    return body;
  }
}
