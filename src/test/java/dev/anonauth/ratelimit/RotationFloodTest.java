package dev.anonauth.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The rotation guarantee: over any time T, all clients together get at most what ipLimit buckets
 * can give, ipLimit × (3 × eventLimit + eventLimit × T), however many addresses they rotate through.
 */
class RotationFloodTest {

  private static final int IP_LIMIT = 100;
  private static final int EVENT_LIMIT = 10;
  private static final int BURST = 3 * EVENT_LIMIT;
  private static final int FLOOD_KEYS = 100 * IP_LIMIT;

  @Test
  void flood_hundredTimesIpLimitAddressesOnFrozenClock_grantsNoMoreThanIpLimitBursts() {
    FakeClock clock = new FakeClock();
    long granted = flood(limiter(IP_LIMIT, clock), clock, Duration.ZERO);
    long naive = flood(limiter(FLOOD_KEYS, new FakeClock()), new FakeClock(), Duration.ZERO);

    long bound = (long) IP_LIMIT * BURST;
    assertEquals(bound, granted, "each of the " + IP_LIMIT + " buckets gives its burst once, and no more;"
        + " a fresh bucket per address would have granted " + naive);
    assertEquals((long) FLOOD_KEYS * BURST, naive, "the comparison: one fresh bucket per address");
  }

  @Test
  void flood_hundredTimesIpLimitAddressesOverTenSeconds_grantsWithinBound() {
    FakeClock clock = new FakeClock();
    Duration perRequest = Duration.ofMillis(1);
    AnonymousRateLimiter limiter = limiter(IP_LIMIT, clock);
    long granted = flood(limiter, clock, perRequest);
    double seconds = perRequest.toNanos() * (double) FLOOD_KEYS / 1e9;
    long bound = (long) (IP_LIMIT * (BURST + EVENT_LIMIT * seconds));
    long naive = flood(limiter(FLOOD_KEYS, new FakeClock()), new FakeClock(), perRequest);

    assertTrue(granted <= bound, "granted " + granted + " tokens over " + seconds + " s, bound " + bound
        + "; a fresh bucket per address would have granted " + naive);
    assertTrue(naive > 20 * bound, "the comparison should be far above the bound: " + naive);
    assertEquals(IP_LIMIT, limiter.trackedClients());
    assertEquals(FLOOD_KEYS - IP_LIMIT, limiter.handOvers());
  }

  /**
   * Any mix of returning and new clients, entries, event charges and waits (the park moves the
   * clock, so waiting costs the time it takes): never more than the bound.
   */
  @Property(tries = 500)
  void grantedTokens_anyRotation_neverExceedIpLimitBuckets(
      @ForAll @IntRange(min = 1, max = 20) int ipLimit,
      @ForAll @IntRange(min = 1, max = 50) int eventLimit,
      @ForAll("steps") List<Step> steps) {
    FakeClock clock = new FakeClock();
    AnonymousRateLimiter limiter = new AnonymousRateLimiter(eventLimit, ipLimit, Duration.ofSeconds(1), 1,
        clock, clock::advanceNanos);
    long start = clock.currentTimeNanos();
    long granted = 0;
    for (Step step : steps) {
      clock.advanceNanos(step.advanceNanos());
      String key = "k" + step.key();
      if (limiter.admit(key).allowed()) {
        granted++;
        if (limiter.chargeEvents(key, step.events()).allowed()) {
          granted += step.events();
        }
      }
    }
    // Bucket4j measures time in whole nanoseconds and rounds a wait down: a request that waits is
    // served up to 1 ns before the exact refill (e.g. 166 666 666 ns for one token at 6/s). So each
    // step may be 1 ns early; the bound allows that and nothing more.
    long elapsed = clock.currentTimeNanos() - start + steps.size();
    // granted ≤ ipLimit × (3 × eventLimit + eventLimit × elapsed / 1e9), exactly, in integers.
    BigInteger lhs = BigInteger.valueOf(granted).multiply(BigInteger.valueOf(1_000_000_000L));
    BigInteger rhs = BigInteger.valueOf((long) ipLimit * eventLimit)
        .multiply(BigInteger.valueOf(3_000_000_000L).add(BigInteger.valueOf(elapsed)));
    assertTrue(lhs.compareTo(rhs) <= 0, "granted " + granted + " over " + elapsed + " ns, ipLimit " + ipLimit
        + ", eventLimit " + eventLimit);
    assertTrue(limiter.trackedClients() <= ipLimit);
    assertTrue(limiter.store().bucketsCreated() <= ipLimit);
  }

  record Step(int key, int events, long advanceNanos) {}

  @Provide
  Arbitrary<List<Step>> steps() {
    Arbitrary<Step> step = Combinators.combine(
            Arbitraries.integers().between(0, 200),
            Arbitraries.integers().between(0, 160),
            Arbitraries.longs().between(0, Duration.ofMillis(300).toNanos()))
        .as(Step::new);
    return step.list().ofMaxSize(400);
  }

  private static AnonymousRateLimiter limiter(int ipLimit, FakeClock clock) {
    return new AnonymousRateLimiter(EVENT_LIMIT, ipLimit, Duration.ZERO, 0, clock, nanos -> {
      throw new AssertionError("no waiting configured");
    });
  }

  /** Every address sends one request asking for a full burst of events; returns tokens granted. */
  private static long flood(AnonymousRateLimiter limiter, FakeClock clock, Duration perRequest) {
    long granted = 0;
    for (int i = 0; i < FLOOD_KEYS; i++) {
      clock.advance(perRequest);
      String address = "10." + (i >> 16 & 0xff) + "." + (i >> 8 & 0xff) + "." + (i & 0xff);
      if (limiter.admit(address).allowed()) {
        granted++;
        if (limiter.chargeEvents(address, BURST - 1).allowed()) {
          granted += BURST - 1;
        } else {
          // What is left is still there for the next taker; take it one event at a time.
          while (limiter.chargeEvents(address, 1).allowed()) {
            granted++;
          }
        }
      }
    }
    return granted;
  }
}
