package dev.anonauth.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bucket4j.BlockingStrategy;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The cap on concurrently waiting requests, with real threads held in the park by a latch. */
@Timeout(30)
class WaitingCapTest {

  private final FakeClock clock = new FakeClock();
  private final AtomicInteger parked = new AtomicInteger();
  private final CountDownLatch allParked = new CountDownLatch(2);
  private final CountDownLatch release = new CountDownLatch(1);
  /** Holds the thread until released, then lets the fake time it asked for pass. */
  private final BlockingStrategy heldUntilReleased = nanos -> {
    parked.incrementAndGet();
    allParked.countDown();
    release.await();
    clock.advanceNanos(nanos);
  };
  private final ExecutorService threads = Executors.newFixedThreadPool(2);

  @AfterEach
  void stopThreads() {
    release.countDown();
    threads.shutdownNow();
  }

  @Test
  void chargeEvents_waitersCapFull_refusedAtOnceWithoutWaiting() throws Exception {
    AnonymousRateLimiter limiter =
        new AnonymousRateLimiter(10, 10, Duration.ofSeconds(1), 2, clock, heldUntilReleased);
    for (String key : new String[] {"a", "b", "c"}) {
      limiter.chargeEvents(key, 30); // empty every bucket
    }
    Future<RateLimitDecision> first = threads.submit(() -> limiter.chargeEvents("a", 1));
    Future<RateLimitDecision> second = threads.submit(() -> limiter.chargeEvents("b", 1));
    assertTrue(allParked.await(10, TimeUnit.SECONDS), "both requests should be waiting");
    assertEquals(2, limiter.waitingRequests());

    // A third client's wait would be short (100 ms) but both waiting slots are taken.
    RateLimitDecision third = limiter.chargeEvents("c", 1);
    assertFalse(third.allowed());
    assertEquals(1, third.retryAfterSeconds());
    assertEquals(2, parked.get(), "the refused request must not have parked");
    assertEquals(0, limiter.availableTokens("c"), "nor reserved anything");

    release.countDown();
    assertTrue(first.get(10, TimeUnit.SECONDS).allowed());
    assertTrue(second.get(10, TimeUnit.SECONDS).allowed());
    assertEquals(0, limiter.waitingRequests());
  }

  @Test
  void chargeEvents_slotFreedAfterWait_nextRequestMayWaitAgain() throws Exception {
    AnonymousRateLimiter limiter = new AnonymousRateLimiter(10, 10, Duration.ofSeconds(1), 1, clock,
        nanos -> clock.advanceNanos(nanos));
    limiter.chargeEvents("a", 30);
    assertTrue(limiter.chargeEvents("a", 5).allowed());
    assertTrue(limiter.chargeEvents("a", 5).allowed());
    assertEquals(0, limiter.waitingRequests());
  }
}
