package dev.anonauth.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.anonauth.testing.RedisServer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The token-bucket script against a real redis-server: the local bucket's semantics, and key expiry. */
class RedisBucketsIT {

  static final long RATE = 10;
  static final long CAPACITY = 3 * RATE;
  static final AtomicInteger KEYS = new AtomicInteger();
  static RedisServer redis;
  RedisBuckets buckets;

  @BeforeAll
  static void startRedis() throws Exception {
    redis = RedisServer.start();
  }

  @AfterAll
  static void stopRedis() throws Exception {
    redis.close();
  }

  @BeforeEach
  void connect() {
    buckets = new RedisBuckets(redis.url(), null, Duration.ofSeconds(1), CAPACITY, RATE);
    assertTrue(buckets.connectNow());
  }

  @AfterEach
  void close() {
    buckets.close();
  }

  static String newKey() {
    return "client-" + KEYS.incrementAndGet();
  }

  @Test
  void take_newKey_startsFullAtThreeTimesTheRate() throws Exception {
    String key = newKey();
    SharedBuckets.Answer answer = buckets.take(key, CAPACITY, 0);
    assertTrue(answer.taken());
    assertEquals(0, answer.remainingTokens());
    assertEquals(0, answer.nanosToWait());
  }

  @Test
  void take_moreThanLeft_takesNothingAndSaysWhenTheyAreBack() throws Exception {
    String key = newKey();
    buckets.take(key, CAPACITY - 2, 0);
    SharedBuckets.Answer refused = buckets.take(key, 5, 0);
    assertFalse(refused.taken());
    assertTrue(refused.remainingTokens() <= 2, refused.toString());
    // 3 tokens short at 10/s: about 300 ms (less the refill since the first take)
    assertTrue(refused.nanosToWait() > TimeUnit.MILLISECONDS.toNanos(150)
        && refused.nanosToWait() <= TimeUnit.MILLISECONDS.toNanos(300), refused.toString());
    assertTrue(buckets.take(key, 2, 0).taken(), "the refusal took nothing");
  }

  @Test
  void take_withWaitAllowance_reservesAndSaysHowLongToWait() throws Exception {
    String key = newKey();
    buckets.take(key, CAPACITY, 0);
    SharedBuckets.Answer reserved = buckets.take(key, 2, Duration.ofSeconds(1).toNanos());
    assertTrue(reserved.taken());
    assertTrue(reserved.nanosToWait() > TimeUnit.MILLISECONDS.toNanos(100), reserved.toString());
    SharedBuckets.Answer behind = buckets.take(key, 1, 0);
    assertFalse(behind.taken(), "later requests queue behind the reservation");
    assertTrue(behind.nanosToWait() > reserved.nanosToWait() - TimeUnit.MILLISECONDS.toNanos(50), behind.toString());
  }

  @Test
  void take_negative_handsTokensBackUpToTheCapacity() throws Exception {
    String key = newKey();
    buckets.take(key, CAPACITY, 0);
    assertEquals(5, buckets.take(key, -5, 0).remainingTokens());
    assertEquals(CAPACITY, buckets.take(key, -1000, 0).remainingTokens());
  }

  @Test
  void take_keyExpiresOnceTheBucketWouldBeFullAgain() throws Exception {
    String key = newKey();
    buckets.take(key, CAPACITY, 0);
    long ttl = Long.parseLong(redis.command("PTTL", RedisBuckets.KEY_PREFIX + key).substring(1));
    // empty: 3 s to refill, plus a second
    assertTrue(ttl > 3_500 && ttl <= 4_000, "PTTL " + ttl);
    buckets.take(newKey(), 1, 0);
    String full = newKey();
    buckets.take(full, -1, 0);
    long fullTtl = Long.parseLong(redis.command("PTTL", RedisBuckets.KEY_PREFIX + full).substring(1));
    assertTrue(fullTtl > 500 && fullTtl <= 1_000, "PTTL " + fullTtl);
  }

  @Test
  void take_afterRedisRestart_reloadsTheScriptAndStartsFull() throws Exception {
    String key = newKey();
    buckets.take(key, CAPACITY, 0);
    redis.kill();
    assertThrows(SharedBuckets.Unavailable.class, () -> buckets.take(key, 1, 0));
    redis.restart();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      try {
        SharedBuckets.Answer answer = buckets.take(key, 1, 0);
        assertTrue(answer.taken());
        assertEquals(CAPACITY - 1, answer.remainingTokens(), "no persistence: the bucket is full again");
        return;
      } catch (SharedBuckets.Unavailable reconnecting) {
        assertTrue(System.nanoTime() - deadline < 0, "not reconnected within 10 s");
        Thread.sleep(50);
      }
    }
  }

  @Test
  void requireOnClassPath_missingClient_saysWhatToAdd() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> RedisStoreLoader.requireOnClassPath("io.lettuce.core.Missing", getClass().getClassLoader()));
    assertEquals("the Redis store needs io.lettuce:lettuce-core (6.x) on the class path, e.g. in WEB-INF/lib: "
        + "add the dependency to the WAR (io.lettuce.core.Missing not found)", e.getMessage());
  }
}
