package dev.anonauth.bench;

import dev.anonauth.metrics.FilterMetrics;
import dev.anonauth.metrics.Outcome;
import dev.anonauth.metrics.RateLimitFigures;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.slf4j.helpers.NOPLogger;

/**
 * What counting one decision costs on the request path, as the filter calls it: an allowed anonymous
 * request (one adder + events), a refusal (adder + the summary's clock check) and a rate-limit refusal
 * (also the ring of recently limited clients). Run with {@code -t 2} for contention.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class DecisionRecordingBenchmark {

  FilterMetrics metrics;

  @Setup
  public void start() {
    metrics = FilterMetrics.start("bench", "/bench", null, new NoLimiter(), NOPLogger.NOP_LOGGER,
        FilterMetrics.Clock.SYSTEM);
    for (int i = 0; i < 32; i++) {
      metrics.decided(Outcome.RATE_LIMITED_ENTRY, "198.51.100." + i); // a full ring, the key last
    }
    metrics.decided(Outcome.RATE_LIMITED_ENTRY, "203.0.113.7");
  }

  @TearDown
  public void stop() {
    metrics.close();
  }

  @Benchmark
  public void anonymousAllowed() {
    metrics.eventsAdmitted(2);
    metrics.decided(Outcome.ANONYMOUS_ALLOWED, "203.0.113.7");
  }

  @Benchmark
  public void authenticated() {
    metrics.decided(Outcome.SECRET_TOKEN, null);
  }

  @Benchmark
  public void refusedAgent() {
    metrics.decided(Outcome.AGENT_NOT_PERMITTED, "203.0.113.7");
  }

  @Benchmark
  public void rateLimitedKnownClient() {
    metrics.decided(Outcome.RATE_LIMITED_ENTRY, "203.0.113.7");
  }

  static final class NoLimiter implements RateLimitFigures {
    @Override public long trackedClients() { return 0; }
    @Override public long capacity() { return 0; }
    @Override public long handOvers() { return 0; }
    @Override public long waitingRequests() { return 0; }
    @Override public long waits() { return 0; }
    @Override public long waitedNanos() { return 0; }
  }
}
