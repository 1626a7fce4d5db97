package dev.anonauth.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Many threads on the same and on different clients, clock frozen: the tokens granted are exactly
 * what the buckets hold — none lost, none given twice.
 */
@Timeout(60)
class ConcurrencyTest {

  private static final int THREADS = 8;
  private static final int EVENT_LIMIT = 100;
  private static final int BURST = 3 * EVENT_LIMIT;

  private final FakeClock clock = new FakeClock();
  private final ExecutorService pool = Executors.newFixedThreadPool(THREADS);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  private AnonymousRateLimiter limiter(int ipLimit) {
    return new AnonymousRateLimiter(EVENT_LIMIT, ipLimit, Duration.ZERO, 0, clock, nanos -> {
      throw new AssertionError("no waiting configured");
    });
  }

  @Test
  void admit_eightThreadsOneClient_grantsExactlyTheBurst() throws Exception {
    AnonymousRateLimiter limiter = limiter(10);
    long granted = sum(hammer(thread -> {
      long ok = 0;
      for (int i = 0; i < 1_000; i++) {
        if (limiter.admit("a").allowed()) {
          ok++;
        }
      }
      return ok;
    }));
    assertEquals(BURST, granted);
    assertEquals(0, limiter.availableTokens("a"));
  }

  @Test
  void chargeEvents_eightThreadsOneClientChunksOfSeven_chargesExactlyWhatWasGranted() throws Exception {
    AnonymousRateLimiter limiter = limiter(10);
    long granted = sum(hammer(thread -> {
      long ok = 0;
      for (int i = 0; i < 1_000; i++) {
        if (limiter.chargeEvents("a", 7).allowed()) {
          ok += 7;
        }
      }
      return ok;
    }));
    assertEquals(BURST / 7 * 7, granted, "as many whole chunks as fit");
    assertEquals(BURST - granted, limiter.availableTokens("a"), "the rest is still in the bucket");
  }

  @Test
  void admit_eightThreadsSixtyFourClientsWithinIpLimit_eachClientGetsExactlyItsBurst() throws Exception {
    int clients = 64;
    AnonymousRateLimiter limiter = limiter(clients);
    Map<String, LongAdder> perClient = new ConcurrentHashMap<>();
    hammer(thread -> {
      for (int round = 0; round < BURST + 50; round++) {
        for (int c = 0; c < clients; c++) {
          String key = "203.0.113." + (c + thread) % clients;
          if (limiter.admit(key).allowed()) {
            perClient.computeIfAbsent(key, k -> new LongAdder()).increment();
          }
        }
      }
      return 0L;
    });
    assertEquals(clients, perClient.size());
    perClient.forEach((key, granted) -> assertEquals(BURST, granted.sum(), key));
    assertEquals(0, limiter.handOvers());
  }

  @Test
  void admit_eightThreadsRotatingBeyondIpLimit_grantsExactlyIpLimitBursts() throws Exception {
    int ipLimit = 16;
    AnonymousRateLimiter limiter = limiter(ipLimit);
    long granted = sum(hammer(thread -> {
      long ok = 0;
      for (int i = 0; i < 20_000; i++) {
        if (limiter.admit("198.51.100." + (i * 7 + thread) % 64).allowed()) {
          ok++;
        }
      }
      return ok;
    }));
    assertEquals((long) ipLimit * BURST, granted);
    assertTrue(limiter.handOvers() > 0, "the test should have rotated");
    assertEquals(ipLimit, limiter.store().bucketsCreated());
  }

  /** Runs the work on every thread at once; returns each thread's result. */
  private List<Long> hammer(IntFunction<Long> work) throws Exception {
    CyclicBarrier start = new CyclicBarrier(THREADS);
    List<Future<Long>> futures = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int thread = t;
      futures.add(pool.submit(() -> {
        start.await();
        return work.apply(thread);
      }));
    }
    List<Long> results = new ArrayList<>();
    for (Future<Long> f : futures) {
      results.add(f.get(30, TimeUnit.SECONDS));
    }
    return results;
  }

  private static long sum(List<Long> values) {
    return values.stream().mapToLong(Long::longValue).sum();
  }
}
