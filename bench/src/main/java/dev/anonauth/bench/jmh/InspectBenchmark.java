package dev.anonauth.bench.jmh;

import dev.anonauth.bench.Payloads;
import dev.anonauth.intake.Action;
import dev.anonauth.intake.AnonymousRequestInspector;
import dev.anonauth.intake.Inspection;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Reading, decoding and checking a RUM payload against the allowlists
 * ({@link AnonymousRequestInspector#inspect}): the body is read (and gunzipped), every event's agent
 * and service are checked, and the admitted request replays the body downstream.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class InspectBenchmark {

  @Param({"v2", "v3"})
  public String protocol;

  @Param({"plain", "gzip"})
  public String encoding;

  private AnonymousRequestInspector inspector;
  private FakeRequest request;

  @Setup
  public void setUp() throws IOException {
    Payloads payload = Payloads.of(protocol);
    inspector = new AnonymousRequestInspector(
        Set.of("rum-js", "js-base"),
        Set.of(),
        AnonymousRequestInspector.DEFAULT_MAX_EVENT_SIZE,
        AnonymousRequestInspector.DEFAULT_MAX_REQUEST_SIZE);
    request = new FakeRequest("POST", payload.path(), "10.0.0.1")
        .header("Content-Type", "application/x-ndjson");
    if (encoding.equals("gzip")) {
      request.header("Content-Encoding", "gzip").body(payload.gzip());
    } else {
      request.body(payload.plain());
    }
    request.header("Content-Length", Integer.toString(request.getContentLength()));
    Inspection inspection = inspect();
    if (!(inspection instanceof Inspection.Admitted admitted) || admitted.events() < 1) {
      throw new IllegalStateException("payload not admitted: " + inspection);
    }
  }

  @Benchmark
  public Inspection inspect() throws IOException {
    request.rewind();
    return inspector.inspect(Action.EVENT_INGEST, request);
  }
}
