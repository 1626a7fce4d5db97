package dev.anonauth.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.anonauth.testing.RedisServer;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two limiters (two nodes) sharing one real redis-server. */
class SharedRateLimiterIT {

  static final int LIMIT = 10;
  static RedisServer redis;

  @BeforeAll
  static void startRedis() throws Exception {
    redis = RedisServer.start();
  }

  @AfterAll
  static void stopRedis() throws Exception {
    redis.close();
  }

  static AnonymousRateLimiter node(Duration maxWait) {
    return AnonymousRateLimiter.withRedis(
        LIMIT, 100, maxWait, 4, redis.url(), Optional.empty(), Duration.ofSeconds(1), true);
  }

  @Test
  void chargeEvents_budgetSpentOnOtherNode_refusedWithRetryAfterFromTheSharedBucket() throws Exception {
    try (AnonymousRateLimiter a = node(Duration.ZERO); AnonymousRateLimiter b = node(Duration.ZERO)) {
      assertTrue(a.admit("c1").allowed());
      assertTrue(a.chargeEvents("c1", 3 * LIMIT - 1).allowed());
      // b's own bucket is full: its entry is decided locally, its events are refused by Redis
      assertTrue(b.admit("c1").allowed());
      RateLimitDecision refused = b.chargeEvents("c1", 5);
      assertFalse(refused.allowed());
      assertEquals(1, refused.retryAfterSeconds());
      assertEquals("\"anon\";r=0;t=1", refused.responseHeaders().get("RateLimit"));
      // Redis's answers lowered b's bucket: the next entry asks Redis and is refused there
      RateLimitDecision entry = b.admit("c1");
      assertFalse(entry.allowed(), entry.toString());
    }
  }

  @Test
  void chargeEvents_shortOfTokensWithinMaxWait_waitsForTheSharedBucketAndIsAllowed() throws Exception {
    try (AnonymousRateLimiter a = node(Duration.ofSeconds(1)); AnonymousRateLimiter b = node(Duration.ofSeconds(1))) {
      assertTrue(a.admit("c2").allowed());
      assertTrue(a.chargeEvents("c2", 3 * LIMIT - 1).allowed());
      assertTrue(b.admit("c2").allowed());
      long start = System.nanoTime();
      RateLimitDecision waited = b.chargeEvents("c2", 3);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertTrue(waited.allowed(), waited.toString());
      assertTrue(took.compareTo(Duration.ofMillis(200)) >= 0 && took.compareTo(Duration.ofSeconds(1)) < 0,
          "waited " + took.toMillis() + " ms for about 4 tokens at 10/s");
      assertEquals(0, b.waitingRequests());
    }
  }
}
