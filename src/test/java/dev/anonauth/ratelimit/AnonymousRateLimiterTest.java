package dev.anonauth.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bucket4j.BlockingStrategy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class AnonymousRateLimiterTest {

  private final FakeClock clock = new FakeClock();
  /** Every park a waiting request made, in nanos; a park moves the fake clock instead of sleeping. */
  private final List<Long> parks = new CopyOnWriteArrayList<>();
  private final BlockingStrategy advanceClock = nanos -> {
    parks.add(nanos);
    clock.advanceNanos(nanos);
  };

  private AnonymousRateLimiter limiter(int eventLimit, int ipLimit, Duration maxWait, int maxWaiting) {
    return new AnonymousRateLimiter(eventLimit, ipLimit, maxWait, maxWaiting, clock, advanceClock);
  }

  private AnonymousRateLimiter noWaiting(int eventLimit) {
    return limiter(eventLimit, 10, Duration.ZERO, 0);
  }

  // --- construction ---

  @Test
  void constructor_everyArgumentOutOfRange_throwsNamingEachOne() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new AnonymousRateLimiter(-1, 0, Duration.ofMillis(-1), -1));
    assertEquals("invalid anonymous rate limit: "
        + "eventLimit was -1, must be between 0 and 1000000000 (0 refuses every anonymous request); "
        + "ipLimit was 0, must be >= 1; "
        + "maxWait was PT-0.001S, must be a duration >= 0 (0 never waits); "
        + "maxWaitingRequests was -1, must be >= 0 (0 never waits)", e.getMessage());
  }

  @Test
  void constructor_nullMaxWait_throwsNamingIt() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new AnonymousRateLimiter(1, 1, null, 0));
    assertEquals("invalid anonymous rate limit: maxWait was null, must be a duration >= 0 (0 never waits)",
        e.getMessage());
  }

  @Test
  void constructor_defaults_startsEmpty() {
    AnonymousRateLimiter limiter = new AnonymousRateLimiter(
        AnonymousRateLimiter.DEFAULT_EVENT_LIMIT, AnonymousRateLimiter.DEFAULT_IP_LIMIT,
        AnonymousRateLimiter.DEFAULT_MAX_WAIT, AnonymousRateLimiter.DEFAULT_MAX_WAITING_REQUESTS);
    assertEquals(0, limiter.trackedClients());
    assertEquals(1000, limiter.capacity());
    assertEquals(0, limiter.handOvers());
    assertEquals(0, limiter.waitingRequests());
    assertTrue(limiter.admit("192.0.2.1").allowed());
    assertEquals(1, limiter.trackedClients());
  }

  // --- entry token: burst and refill ---

  @Test
  void admit_freshClient_allowsBurstOfThreeTimesLimitThenRefuses() {
    AnonymousRateLimiter limiter = noWaiting(10);
    for (int i = 0; i < 30; i++) {
      assertTrue(limiter.admit("a").allowed(), "request " + i);
    }
    assertFalse(limiter.admit("a").allowed());
  }

  @Test
  void admit_allowed_carriesNoHeadersAndNoRetryAfter() {
    RateLimitDecision decision = noWaiting(10).admit("a");
    assertEquals(new RateLimitDecision(true, 0, Map.of()), decision);
  }

  @Test
  void admit_emptyBucketAfterRefillTime_allowsExactlyWhatRefilled() {
    AnonymousRateLimiter limiter = noWaiting(10);
    drain(limiter, "a");
    clock.advance(Duration.ofMillis(250)); // greedy refill: 10/s → 2.5 tokens → 2 whole ones
    assertTrue(limiter.admit("a").allowed());
    assertTrue(limiter.admit("a").allowed());
    assertFalse(limiter.admit("a").allowed());
  }

  @Test
  void admit_emptyBucketLongIdle_refillsOnlyToCapacity() {
    AnonymousRateLimiter limiter = noWaiting(10);
    drain(limiter, "a");
    clock.advance(Duration.ofHours(1));
    assertEquals(30, limiter.availableTokens("a"));
  }

  @Test
  void admit_refused_retryAfterRoundsNanosUpToWholeSeconds() {
    AnonymousRateLimiter limiter = noWaiting(10);
    drain(limiter, "a");
    // One token at 10/s is 100 ms away: rounded up to 1 s, never 0.
    assertEquals(1, limiter.admit("a").retryAfterSeconds());

    AnonymousRateLimiter slow = noWaiting(1);
    drain(slow, "b");
    clock.advance(Duration.ofMillis(10)); // 990 ms to go → 1 s
    assertEquals(1, slow.admit("b").retryAfterSeconds());
  }

  @Test
  void admit_refused_carriesRateLimitHeaders() {
    AnonymousRateLimiter limiter = noWaiting(300);
    drain(limiter, "a");
    RateLimitDecision decision = limiter.admit("a");
    assertEquals(new RateLimitDecision(false, 1, Map.of(
        "RateLimit-Policy", "\"anon\";q=900;w=3",
        "RateLimit", "\"anon\";r=0;t=1")), decision);
  }

  @Test
  void admit_oneClientDrained_otherClientsKeepTheirBurst() {
    AnonymousRateLimiter limiter = noWaiting(10);
    drain(limiter, "a");
    assertEquals(30, limiter.availableTokens("b"));
    assertTrue(limiter.admit("b").allowed());
  }

  @Test
  void admit_nullKey_throws() {
    assertThrows(NullPointerException.class, () -> noWaiting(10).admit(null));
  }

  // --- event charging: all or nothing ---

  @Test
  void chargeEvents_enoughTokens_takesOnePerEvent() {
    AnonymousRateLimiter limiter = noWaiting(10);
    assertTrue(limiter.admit("a").allowed());
    assertTrue(limiter.chargeEvents("a", 25).allowed());
    assertEquals(4, limiter.availableTokens("a"));
  }

  @Test
  void chargeEvents_notEnoughTokensAndNoWaiting_takesNothing() {
    AnonymousRateLimiter limiter = noWaiting(10);
    assertTrue(limiter.chargeEvents("a", 25).allowed());
    RateLimitDecision refused = limiter.chargeEvents("a", 6);
    assertFalse(refused.allowed());
    assertEquals(5, limiter.availableTokens("a"), "a refused charge must not take the tokens it found");
    assertEquals("\"anon\";r=5;t=1", refused.responseHeaders().get("RateLimit"));
    assertTrue(limiter.chargeEvents("a", 5).allowed());
  }

  @Test
  void chargeEvents_refused_retryAfterCoversTheWholeDeficit() {
    AnonymousRateLimiter limiter = noWaiting(1); // capacity 3, 1 token/s
    drain(limiter, "a");
    assertEquals(3, limiter.chargeEvents("a", 3).retryAfterSeconds());
    clock.advance(Duration.ofMillis(1500));
    assertEquals(2, limiter.chargeEvents("a", 3).retryAfterSeconds()); // 1.5 s to go → 2
  }

  @Test
  void chargeEvents_zeroEvents_allowedEvenWhenEmpty() {
    AnonymousRateLimiter limiter = noWaiting(10);
    drain(limiter, "a");
    assertTrue(limiter.chargeEvents("a", 0).allowed());
  }

  @Test
  void chargeEvents_negativeEvents_throws() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> noWaiting(10).chargeEvents("a", -1));
    assertEquals("events was -1, must be >= 0", e.getMessage());
  }

  @Test
  void chargeEvents_moreThanCapacity_refusedAtOnceWithoutWaitingOrTaking() {
    AnonymousRateLimiter limiter = limiter(10, 10, Duration.ofSeconds(60), 4);
    RateLimitDecision decision = limiter.chargeEvents("a", 31);
    assertFalse(decision.allowed());
    assertEquals(List.of(), parks);
    assertEquals(30, limiter.availableTokens("a"));
    assertEquals(1, decision.retryAfterSeconds());
    assertTrue(limiter.chargeEvents("a", 30).allowed());
  }

  // --- bounded waiting ---

  @Test
  void chargeEvents_deficitCoveredWithinMaxWait_waitsForItAndTakesAll() {
    AnonymousRateLimiter limiter = limiter(10, 10, Duration.ofSeconds(1), 1);
    drain(limiter, "a");
    assertTrue(limiter.chargeEvents("a", 5).allowed());
    assertEquals(List.of(Duration.ofMillis(500).toNanos()), parks);
    assertEquals(0, limiter.availableTokens("a"));
    assertEquals(0, limiter.waitingRequests(), "the waiting slot must be given back");
  }

  @Test
  void waitedNanos_afterOneWait_isTheTimeTheLimiterClockMoved() {
    AnonymousRateLimiter limiter = limiter(10, 10, Duration.ofSeconds(1), 1);
    drain(limiter, "a");
    assertEquals(0, limiter.waits());
    assertTrue(limiter.chargeEvents("a", 5).allowed());
    assertEquals(1, limiter.waits());
    assertEquals(Duration.ofMillis(500).toNanos(), limiter.waitedNanos());
  }

  @Test
  void waits_refusedWithoutWaiting_notCounted() {
    AnonymousRateLimiter limiter = limiter(10, 10, Duration.ofMillis(500), 1);
    drain(limiter, "a");
    assertFalse(limiter.chargeEvents("a", 8).allowed()); // 800 ms away > 500 ms
    assertEquals(0, limiter.waits());
    assertEquals(0, limiter.waitedNanos());
  }

  @Test
  void chargeEvents_deficitBeyondMaxWait_refusedAtOnceTakingNothing() {
    AnonymousRateLimiter limiter = limiter(10, 10, Duration.ofMillis(500), 1);
    drain(limiter, "a");
    clock.advance(Duration.ofMillis(200)); // 2 tokens
    RateLimitDecision decision = limiter.chargeEvents("a", 8); // 600 ms away > 500 ms
    assertFalse(decision.allowed());
    assertEquals(List.of(), parks);
    assertEquals(2, limiter.availableTokens("a"));
    assertEquals(1, decision.retryAfterSeconds());
  }

  @Test
  void chargeEvents_waitAllowance_scalesWithBatchesOfTenUpToMaxWait() {
    AnonymousRateLimiter limiter = limiter(8, 10, Duration.ofSeconds(5), 1);
    drain(limiter, "a");
    // 9 events = 1 batch → may wait 1 s, but needs 1.125 s at 8/s.
    assertFalse(limiter.chargeEvents("a", 9).allowed());
    assertEquals(List.of(), parks);
    // 11 events = 2 batches → may wait 2 s; needs 1.375 s.
    assertTrue(limiter.chargeEvents("a", 11).allowed());
    assertEquals(List.of(Duration.ofMillis(1375).toNanos()), parks);
  }

  @Test
  void allowedWaitNanos_manyBatches_cappedByMaxWait() {
    AnonymousRateLimiter limiter = limiter(8, 10, Duration.ofSeconds(5), 1);
    assertEquals(Duration.ofSeconds(1).toNanos(), limiter.allowedWaitNanos(1));
    assertEquals(Duration.ofSeconds(1).toNanos(), limiter.allowedWaitNanos(10));
    assertEquals(Duration.ofSeconds(2).toNanos(), limiter.allowedWaitNanos(11));
    assertEquals(Duration.ofSeconds(5).toNanos(), limiter.allowedWaitNanos(Integer.MAX_VALUE));
  }

  @Test
  void chargeEvents_waitingReservation_makesLaterRequestsQueueBehindIt() {
    AnonymousRateLimiter limiter = new AnonymousRateLimiter(10, 10, Duration.ofSeconds(1), 1, clock,
        nanos -> parks.add(nanos)); // parks without moving the clock: the reservation stays outstanding
    drain(limiter, "a");
    assertTrue(limiter.chargeEvents("a", 5).allowed());
    RateLimitDecision entry = limiter.admit("a");
    assertFalse(entry.allowed());
    assertEquals("\"anon\";r=0;t=1", entry.responseHeaders().get("RateLimit"));
    clock.advance(Duration.ofMillis(500));
    assertFalse(limiter.admit("a").allowed(), "the first 5 refilled tokens belong to the waiter");
    clock.advance(Duration.ofMillis(100));
    assertTrue(limiter.admit("a").allowed());
  }

  @Test
  void chargeEvents_interruptedWhileWaiting_refusedAndReservationGivenBack() {
    AnonymousRateLimiter limiter = new AnonymousRateLimiter(10, 10, Duration.ofSeconds(1), 1, clock,
        nanos -> {
          throw new InterruptedException();
        });
    drain(limiter, "a");
    clock.advance(Duration.ofMillis(300));
    try {
      assertFalse(limiter.chargeEvents("a", 5).allowed());
      assertTrue(Thread.currentThread().isInterrupted(), "the interrupt must be kept for the container");
    } finally {
      Thread.interrupted();
    }
    assertEquals(3, limiter.availableTokens("a"));
    assertEquals(0, limiter.waitingRequests());
  }

  // --- eventLimit 0: as the APM Server's rate 0, burst 0 ---

  @Test
  void admit_eventLimitZero_refusesEveryRequestAndTracksNobody() {
    AnonymousRateLimiter limiter = noWaiting(0);
    RateLimitDecision decision = limiter.admit("a");
    assertEquals(new RateLimitDecision(false, 3600, Map.of(
        "RateLimit-Policy", "\"anon\";q=0;w=3",
        "RateLimit", "\"anon\";r=0;t=3600")), decision);
    assertEquals(0, limiter.trackedClients());
  }

  @Test
  void chargeEvents_eventLimitZero_refusesEventsButNotAnEmptyRequest() {
    AnonymousRateLimiter limiter = noWaiting(0);
    assertFalse(limiter.chargeEvents("a", 1).allowed());
    assertTrue(limiter.chargeEvents("a", 0).allowed());
  }

  @Test
  void admit_eventLimitOne_burstIsThree() {
    AnonymousRateLimiter limiter = noWaiting(1);
    assertEquals(3, drain(limiter, "a"));
  }

  @Test
  void chargeEvents_eventLimitAtMaximum_burstBeyondIntRangeWorks() {
    AnonymousRateLimiter limiter = noWaiting(1_000_000_000);
    assertTrue(limiter.chargeEvents("a", Integer.MAX_VALUE).allowed());
    assertEquals(3_000_000_000L - Integer.MAX_VALUE, limiter.availableTokens("a"));
  }

  @Test
  void constructor_eventLimitAboveBucket4jMaximumRate_throws() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new AnonymousRateLimiter(1_000_000_001, 1, Duration.ZERO, 0));
    assertEquals("invalid anonymous rate limit: eventLimit was 1000000001, must be between 0 and 1000000000"
        + " (0 refuses every anonymous request)", e.getMessage());
  }

  // --- metrics figures ---

  @Test
  void handOvers_newClientsBeyondIpLimit_countedAndTrackedClientsCapped() {
    AnonymousRateLimiter limiter = limiter(10, 2, Duration.ZERO, 0);
    limiter.admit("a");
    limiter.admit("b");
    limiter.admit("c");
    limiter.admit("d");
    assertEquals(2, limiter.trackedClients());
    assertEquals(2, limiter.handOvers());
  }

  /** Takes every token the client has, one entry at a time; returns how many. */
  private static int drain(AnonymousRateLimiter limiter, String key) {
    int taken = 0;
    while (limiter.admit(key).allowed()) {
      taken++;
    }
    return taken;
  }
}
