package dev.anonauth.bench.jmh;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import dev.anonauth.bench.Payloads;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.zip.DataFormatException;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Floors under {@link InspectBenchmark}, to see where the decoding path's time goes: gunzipping the payload
 * with a new {@link GZIPInputStream} per request (what {@code ContentDecoding} does) versus one reused
 * {@link Inflater}, and Jackson tokenising every line with nothing else done (the parser's floor).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class BreakdownBenchmark {

  @Param({"v2", "v3"})
  public String protocol;

  private byte[] plain;
  private byte[] gzip;
  private final byte[] out = new byte[64 * 1024];
  private final Inflater reused = new Inflater(true);
  private final JsonFactory json = JsonFactory.builder().disable(JsonFactory.Feature.INTERN_FIELD_NAMES).build();

  @Setup
  public void setUp() throws Exception {
    Payloads p = Payloads.of(protocol);
    plain = p.plain();
    gzip = p.gzip();
    if (gunzipReusedInflater() != plain.length || gunzipNewStream() != plain.length) {
      throw new IllegalStateException("gunzip size mismatch");
    }
  }

  @TearDown
  public void tearDown() {
    reused.end();
  }

  /** As ContentDecoding.GZIP: a new GZIPInputStream (new Inflater, CRC32, 2 KiB buffer) per request. */
  @Benchmark
  public int gunzipNewStream() throws IOException {
    int total = 0;
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip), 2048)) {
      for (int n = in.read(out, total, out.length - total); n > 0; n = in.read(out, total, out.length - total)) {
        total += n;
      }
    }
    return total;
  }

  /** One Inflater per thread, reset per request; the 10-byte header and 8-byte trailer skipped (no CRC check). */
  @Benchmark
  public int gunzipReusedInflater() throws DataFormatException {
    reused.reset();
    reused.setInput(gzip, 10, gzip.length - 18);
    int total = 0;
    while (!reused.finished()) {
      total += reused.inflate(out, total, out.length - total);
    }
    return total;
  }

  /** Jackson tokenising every line of the plain payload, one parser per line, nothing read: the parser's floor. */
  @Benchmark
  public int jacksonTokensOnly() throws IOException {
    int tokens = 0;
    int start = 0;
    for (int i = 0; i <= plain.length; i++) {
      if (i == plain.length || plain[i] == '\n') {
        if (i > start) {
          try (JsonParser p = json.createParser(plain, start, i - start)) {
            while (p.nextToken() != null) {
              tokens++;
            }
          }
        }
        start = i + 1;
      }
    }
    return tokens;
  }
}
