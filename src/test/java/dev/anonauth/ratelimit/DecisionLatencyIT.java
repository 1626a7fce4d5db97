package dev.anonauth.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.anonauth.testing.RedisServer;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.cas.LettuceBasedProxyManager;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * How long one anonymous request's rate-limit decisions take (entry token, then 5 events), local
 * buckets vs buckets shared through a real redis-server on loopback, and how many Redis commands each
 * request costs. A timed loop, single-threaded, after warm-up; prints the figures. Run alone with:
 * {@code mvn -B verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=DecisionLatencyIT}
 */
class DecisionLatencyIT {

  static final int CLIENTS = 100;
  static final int EVENTS = 5;
  static RedisServer redis;

  @BeforeAll
  static void startRedis() throws Exception {
    redis = RedisServer.start();
  }

  @AfterAll
  static void stopRedis() throws Exception {
    redis.close();
  }

  /** Nanoseconds per request (admit + chargeEvents), one sample per request. */
  static long[] measure(AnonymousRateLimiter limiter, int warmup, int samples) {
    for (int i = 0; i < warmup; i++) {
      decide(limiter, i);
    }
    long[] took = new long[samples];
    for (int i = 0; i < samples; i++) {
      long start = System.nanoTime();
      decide(limiter, i);
      took[i] = System.nanoTime() - start;
    }
    Arrays.sort(took);
    return took;
  }

  static void decide(AnonymousRateLimiter limiter, int i) {
    String client = "10.0.0." + (i % CLIENTS);
    assertTrue(limiter.admit(client).allowed());
    assertTrue(limiter.chargeEvents(client, EVENTS).allowed());
  }

  static String summary(String name, long[] sorted) {
    double mean = Arrays.stream(sorted).average().orElse(0) / 1000.0;
    return String.format("%-28s p50 %7.1f us   p90 %7.1f us   p99 %7.1f us   mean %7.1f us   (%d requests)",
        name, sorted[sorted.length / 2] / 1000.0, sorted[sorted.length * 9 / 10] / 1000.0,
        sorted[sorted.length * 99 / 100] / 1000.0, mean, sorted.length);
  }

  static long evalCalls(StatefulRedisConnection<String, String> admin) {
    return calls(admin, "evalsha|eval");
  }

  static long calls(StatefulRedisConnection<String, String> admin, String commands) {
    Matcher m = Pattern.compile("cmdstat_(?:" + commands + "):calls=(\\d+)").matcher(admin.sync().info("commandstats"));
    long calls = 0;
    while (m.find()) {
      calls += Long.parseLong(m.group(1));
    }
    return calls;
  }

  @Test
  void decisionLatency_localVsRedis() throws Exception {
    try (AnonymousRateLimiter local = new AnonymousRateLimiter(1_000_000, 10_000, Duration.ZERO, 0);
        AnonymousRateLimiter shared = AnonymousRateLimiter.withRedis(
            1_000_000, 10_000, Duration.ZERO, 0, redis.url(), Optional.empty(), Duration.ofSeconds(1), true)) {
      RedisClient adminClient = RedisClient.create(redis.url());
      try (StatefulRedisConnection<String, String> admin = adminClient.connect()) {
        long[] localTook = measure(local, 50_000, 50_000);
        long[] sharedWarm = measure(shared, 3_000, 1); // warm-up (JIT, script cache)
        long before = evalCalls(admin);
        int samples = 5_000;
        long[] sharedTook = measure(shared, 0, samples);
        Thread.sleep(200); // let the last asynchronous entry commands land
        long commands = evalCalls(admin) - before;
        System.out.println("rate-limit decision latency per request (entry + " + EVENTS + " events), "
            + Runtime.getRuntime().availableProcessors() + " cores:");
        System.out.println(summary("local buckets", localTook));
        System.out.println(summary("redis (loopback)", sharedTook));
        System.out.printf("redis commands per request: %.2f (one asynchronous entry, one awaited event charge)%n",
            commands / (double) samples);
        bucket4jCompareAndSwap(admin);
        assertEquals(1, sharedWarm.length);
        assertEquals(2.0, commands / (double) samples, 0.01, "one EVALSHA for the entry, one for the events");
        assertTrue(sharedTook[samples / 2] < Duration.ofMillis(5).toNanos(), "median under 5 ms on loopback");
        assertTrue(!shared.sharedStoreDown());
      } finally {
        adminClient.shutdown();
      }
    }
  }

  /**
   * For comparison: Bucket4j's own Redis support (compare-and-swap through Lettuce), one consumption of
   * entry + events per request - fewer calls than the filter makes, and still a GET then an EVAL each.
   */
  static void bucket4jCompareAndSwap(StatefulRedisConnection<String, String> admin) {
    RedisClient client = RedisClient.create(redis.url());
    try (StatefulRedisConnection<String, byte[]> connection =
        client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE))) {
      ProxyManager<String> buckets = LettuceBasedProxyManager.builderFor(connection)
          .withExpirationStrategy(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(1)))
          .build();
      BucketConfiguration config = BucketConfiguration.builder()
          .addLimit(Bandwidth.builder().capacity(3_000_000).refillGreedy(1_000_000, Duration.ofSeconds(1)).build())
          .build();
      for (int i = 0; i < 3_000; i++) {
        buckets.getProxy("b4j:10.0.0." + (i % CLIENTS), () -> config).tryConsumeAndReturnRemaining(1 + EVENTS);
      }
      int samples = 5_000;
      long before = calls(admin, "get|eval|evalsha");
      long[] took = new long[samples];
      for (int i = 0; i < samples; i++) {
        long start = System.nanoTime();
        assertTrue(buckets.getProxy("b4j:10.0.0." + (i % CLIENTS), () -> config)
            .tryConsumeAndReturnRemaining(1 + EVENTS).isConsumed());
        took[i] = System.nanoTime() - start;
      }
      long commands = calls(admin, "get|eval|evalsha") - before;
      Arrays.sort(took);
      System.out.println(summary("bucket4j CAS (loopback)", took));
      System.out.printf("bucket4j CAS commands per request: %.2f (measured: 2 GET + 1 EVAL compare-and-swap per consumption, in sequence)%n",
          commands / (double) samples);
    } finally {
      client.shutdown();
    }
  }
}
