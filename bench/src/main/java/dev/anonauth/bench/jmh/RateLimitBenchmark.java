package dev.anonauth.bench.jmh;

import dev.anonauth.ratelimit.AnonymousRateLimiter;
import dev.anonauth.ratelimit.RateLimitDecision;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Bucket lookup and charge ({@link AnonymousRateLimiter#admit} then {@link AnonymousRateLimiter#chargeEvents}
 * for 10 events), as one anonymous request does. The rate is 10⁹ events/s (one token per nanosecond, the
 * limiter's maximum) so that the buckets never run dry and only the allowed path is measured; a teardown
 * check fails the run if any decision was a refusal.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RateLimitBenchmark {

  static final int EVENTS = 10;
  static final int IP_LIMIT = 1000;
  static final int NEW_IPS = 1 << 20;

  private AnonymousRateLimiter limiter;
  private String hotKey;
  /** Distinct keys, built before measuring (the resolver allocates a request's key anyway). */
  private String[] newKeys;
  private final LongAdder refused = new LongAdder();

  @Setup
  public void setUp() {
    limiter = new AnonymousRateLimiter(1_000_000_000, IP_LIMIT, Duration.ZERO, 0);
    hotKey = new StringBuilder("203.0.113.7").toString();
    newKeys = new String[NEW_IPS];
    for (int i = 0; i < NEW_IPS; i++) {
      newKeys[i] = "10." + (i >> 16 & 0xff) + "." + (i >> 8 & 0xff) + "." + (i & 0xff);
    }
    // Fill the store, so that every new key below is a hand-over of the least recently used bucket.
    for (int i = 0; i < IP_LIMIT; i++) {
      limiter.admit("192.0.2." + i);
    }
  }

  @TearDown(Level.Iteration)
  public void check() {
    if (refused.sum() > 0) {
      throw new IllegalStateException(refused.sum() + " refusals: the benchmark left the allowed path");
    }
    if (limiter.trackedClients() > IP_LIMIT) {
      throw new IllegalStateException("store above ip_limit: " + limiter.trackedClients());
    }
  }

  @State(Scope.Thread)
  public static class Cursor {
    int next;
  }

  private RateLimitDecision request(String key) {
    RateLimitDecision entry = limiter.admit(key);
    RateLimitDecision charge = limiter.chargeEvents(key, EVENTS);
    if (!entry.allowed() || !charge.allowed()) {
      refused.increment();
    }
    return charge;
  }

  /** The same client again and again: a store hit each time. */
  @Benchmark
  public RateLimitDecision hotIp() {
    return request(hotKey);
  }

  /** Two threads hammering the same client (the store's lock and the bucket's CAS contended). */
  @Benchmark
  @Threads(2)
  public RateLimitDecision hotIpTwoThreads() {
    return request(hotKey);
  }

  /** A stream of never-seen clients over a full store: each admit evicts and hands over the LRU bucket. */
  @Benchmark
  public RateLimitDecision newIpEachRequest(Cursor cursor) {
    String key = newKeys[cursor.next++ & (NEW_IPS - 1)];
    return request(key);
  }
}
