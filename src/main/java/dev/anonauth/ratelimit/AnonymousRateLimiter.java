package dev.anonauth.ratelimit;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BlockingStrategy;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.EstimationProbe;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.LongAdder;

/**
 * Per-client token buckets for anonymous requests, as the APM Server keeps them
 * ({@code apm-server.auth.anonymous.rate_limit.*}).
 *
 * <h2>Budget</h2>
 * Each client key (the client IP) has a bucket that starts full with {@code 3 × eventLimit} tokens
 * and refills continuously (greedily) at {@code eventLimit} tokens per second, as the APM Server's
 * limiter does. A request pays one token on entry ({@link #admit}), then one per event in its body
 * ({@link #chargeEvents}).
 *
 * <p>{@code eventLimit = 0} means what it means to the APM Server (a limiter of rate 0 and burst 0):
 * every anonymous request is refused with 429. Turn anonymous access off instead if that is the
 * intent; a refusal then says so more clearly.
 *
 * <h2>Rotation-proof memory bound</h2>
 * At most {@code ipLimit} clients are tracked. A new client arriving when the store is full takes
 * over the bucket of the least recently used client, with whatever tokens it has left, so an attacker
 * cycling through more than {@code ipLimit} addresses does not get a fresh burst per address: over
 * any time {@code T}, all anonymous clients together are granted at most
 * {@code ipLimit × (3 × eventLimit + eventLimit × T)} tokens, whatever the rotation. Memory is
 * bounded by {@code ipLimit} entries whatever the traffic: about 310 bytes per tracked client plus its
 * key string (measured with 100 000 clients; about 0.4 MB for the default 1000). See
 * {@link BucketStore} for why the store is an exact LRU.
 *
 * <h2>Waiting, and why it cannot pin the container's threads</h2>
 * The APM Server lets each batch of 10 events wait up to 1 s for tokens. Here the body is already
 * read when events are charged, so the charge is all-or-nothing: either every event's token is taken
 * or none is. A request short of tokens may wait, on its request thread, only when all of these hold:
 * <ul>
 *   <li>the wait the bucket needs fits in {@code min(maxWait, ceil(events / 10) × 1 s)} — otherwise
 *       it is refused at once, without waiting to find out;
 *   <li>fewer than {@code maxWaitingRequests} requests are already waiting (across all clients) —
 *       otherwise it is refused at once.
 * </ul>
 * So at most {@code maxWaitingRequests} container threads are ever parked here, each for at most
 * {@code maxWait}. The tokens are reserved before waiting (later requests queue behind them), and
 * handed back if the wait is interrupted. {@code maxWait = 0} or {@code maxWaitingRequests = 0}
 * never waits. A request for more events than the burst can never be served and is refused at once.
 *
 * <h2>Refusals</h2>
 * A refusal carries {@code Retry-After} seconds computed from the bucket (time until the needed
 * tokens are back, rounded up, at least 1) and the IETF {@code RateLimit-Policy} / {@code RateLimit}
 * headers (see {@link RateLimitHeaders}). Allowed decisions carry no headers and allocate nothing.
 *
 * <p>Thread-safe. The figures {@link #trackedClients()}, {@link #capacity()}, {@link #handOvers()},
 * {@link #waitingRequests()}, {@link #waits()} and {@link #waitedNanos()} are cheap to read for metrics
 * (the last two cost two clock reads per wait, nothing on the paths that do not wait).
 */
public final class AnonymousRateLimiter {

  public static final int DEFAULT_EVENT_LIMIT = 300;
  public static final int DEFAULT_IP_LIMIT = 1000;
  public static final Duration DEFAULT_MAX_WAIT = Duration.ofSeconds(1);
  public static final int DEFAULT_MAX_WAITING_REQUESTS = 16;

  /** Bucket capacity is this many seconds' worth of refill, as in the APM Server. */
  static final int BURST_SECONDS = 3;
  /** The APM Server charges events in batches of this size ... */
  static final int EVENTS_PER_BATCH = 10;
  /** ... and lets each batch wait this long for tokens. */
  static final long WAIT_PER_BATCH_NANOS = Duration.ofSeconds(1).toNanos();
  /** Retry-After when eventLimit is 0: no token ever comes back; ask clients to stay away a while. */
  static final long CLOSED_RETRY_AFTER_SECONDS = 3600;

  private static final long NANOS_PER_SECOND = 1_000_000_000L;
  /** Bucket4j refills at most one token per nanosecond. */
  static final int MAX_EVENT_LIMIT = 1_000_000_000;

  private final int eventLimit;
  private final long burst;
  private final long maxWaitNanos;
  private final int maxWaitingRequests;
  private final Semaphore waitingPermits;
  private final BlockingStrategy blocking;
  private final BucketStore store;
  private final RateLimitHeaders headers;
  private final TimeMeter clock;
  private final LongAdder waits = new LongAdder();
  private final LongAdder waitedNanos = new LongAdder();

  /**
   * @param eventLimit events per second per client, 0 to 10⁹ (0 refuses every anonymous request)
   * @param ipLimit clients tracked at once, {@code >= 1}
   * @param maxWait longest a request may wait for tokens, {@code >= 0}
   * @param maxWaitingRequests requests that may wait at once across all clients, {@code >= 0}
   * @throws IllegalArgumentException naming every argument out of range
   */
  public AnonymousRateLimiter(int eventLimit, int ipLimit, Duration maxWait, int maxWaitingRequests) {
    this(eventLimit, ipLimit, maxWait, maxWaitingRequests, TimeMeter.SYSTEM_NANOTIME, BlockingStrategy.PARKING);
  }

  /** With the clock and the way to wait injected, so that tests move time instead of sleeping. */
  AnonymousRateLimiter(
      int eventLimit,
      int ipLimit,
      Duration maxWait,
      int maxWaitingRequests,
      TimeMeter clock,
      BlockingStrategy blocking) {
    validate(eventLimit, ipLimit, maxWait, maxWaitingRequests);
    this.eventLimit = eventLimit;
    this.burst = (long) BURST_SECONDS * eventLimit;
    this.maxWaitNanos = maxWait.toNanos();
    this.maxWaitingRequests = maxWaitingRequests;
    this.waitingPermits = new Semaphore(maxWaitingRequests);
    this.blocking = Objects.requireNonNull(blocking, "blocking");
    this.headers = new RateLimitHeaders(burst, BURST_SECONDS);
    this.clock = Objects.requireNonNull(clock, "clock");
    if (eventLimit == 0) {
      // Nothing is ever granted, so nothing needs tracking (Bucket4j also rejects a capacity of 0).
      this.store = new BucketStore(ipLimit, () -> {
        throw new IllegalStateException("no buckets when eventLimit is 0");
      });
    } else {
      Bandwidth limit = Bandwidth.builder()
          .capacity(burst)
          .refillGreedy(eventLimit, Duration.ofSeconds(1))
          .build();
      this.store = new BucketStore(ipLimit, () -> Bucket.builder()
          .addLimit(limit)
          .withCustomTimePrecision(clock)
          .build());
    }
  }

  private static void validate(int eventLimit, int ipLimit, Duration maxWait, int maxWaitingRequests) {
    List<String> problems = new ArrayList<>();
    if (eventLimit < 0 || eventLimit > MAX_EVENT_LIMIT) {
      problems.add("eventLimit was " + eventLimit + ", must be between 0 and " + MAX_EVENT_LIMIT
          + " (0 refuses every anonymous request)");
    }
    if (ipLimit < 1) {
      problems.add("ipLimit was " + ipLimit + ", must be >= 1");
    }
    if (maxWait == null || maxWait.isNegative()) {
      problems.add("maxWait was " + maxWait + ", must be a duration >= 0 (0 never waits)");
    }
    if (maxWaitingRequests < 0) {
      problems.add("maxWaitingRequests was " + maxWaitingRequests + ", must be >= 0 (0 never waits)");
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("invalid anonymous rate limit: " + String.join("; ", problems));
    }
  }

  /**
   * Takes the one token every anonymous request pays on entry; never waits. Refused: answer 429
   * {@code too many requests: rate limit exceeded} with {@code Retry-After} and the decision's headers.
   */
  public RateLimitDecision admit(String clientKey) {
    Objects.requireNonNull(clientKey, "clientKey");
    if (eventLimit == 0) {
      return closed();
    }
    ConsumptionProbe probe = store.bucketFor(clientKey).tryConsumeAndReturnRemaining(1);
    if (probe.isConsumed()) {
      return RateLimitDecision.ALLOWED;
    }
    return refused(probe.getRemainingTokens(), probe.getNanosToWaitForRefill());
  }

  /**
   * Charges a request's events, all or none; may wait a bounded time for tokens (see the class
   * comment). Call it once the body is decoded, before passing the request on. Refused: answer 429
   * {@code {"accepted":0,"errors":[{"message":"rate limit exceeded"}]}} with {@code Retry-After} and
   * the decision's headers.
   *
   * @param events events in the request, {@code >= 0}; 0 is always allowed
   */
  public RateLimitDecision chargeEvents(String clientKey, int events) {
    Objects.requireNonNull(clientKey, "clientKey");
    if (events < 0) {
      throw new IllegalArgumentException("events was " + events + ", must be >= 0");
    }
    if (events == 0) {
      return RateLimitDecision.ALLOWED;
    }
    if (eventLimit == 0) {
      return closed();
    }
    Bucket bucket = store.bucketFor(clientKey);
    if (events > burst) {
      // Could never fit, however long the client waits; say when the bucket is full at least.
      EstimationProbe full = bucket.estimateAbilityToConsume(burst);
      return refused(full.getRemainingTokens(), full.getNanosToWaitForRefill());
    }
    ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(events);
    if (probe.isConsumed()) {
      return RateLimitDecision.ALLOWED;
    }
    long allowedWait = allowedWaitNanos(events);
    if (probe.getNanosToWaitForRefill() > allowedWait || !waitingPermits.tryAcquire()) {
      return refused(probe.getRemainingTokens(), probe.getNanosToWaitForRefill());
    }
    long waitStart = clock.currentTimeNanos();
    try {
      // Reserves the tokens (all of them, atomically) only if they are back within allowedWait;
      // otherwise takes nothing and returns false at once.
      if (bucket.asBlocking().tryConsume(events, allowedWait, blocking)) {
        return RateLimitDecision.ALLOWED;
      }
    } catch (InterruptedException e) {
      // The reservation was made before parking: give it back, so that all-or-nothing holds.
      bucket.addTokens(events);
      Thread.currentThread().interrupt();
    } finally {
      waitingPermits.release();
      waits.increment();
      waitedNanos.add(clock.currentTimeNanos() - waitStart);
    }
    EstimationProbe now = bucket.estimateAbilityToConsume(events);
    return refused(now.getRemainingTokens(), now.getNanosToWaitForRefill());
  }

  /** APM: up to 1 s per batch of 10 events; ours is capped by maxWait. */
  long allowedWaitNanos(int events) {
    long batches = (events + (long) EVENTS_PER_BATCH - 1) / EVENTS_PER_BATCH;
    return Math.min(maxWaitNanos, batches * WAIT_PER_BATCH_NANOS);
  }

  private RateLimitDecision refused(long remainingTokens, long nanosToWait) {
    long seconds = Math.max(1, ceilSeconds(nanosToWait));
    return new RateLimitDecision(false, seconds, headers.refused(remainingTokens, seconds));
  }

  private RateLimitDecision closed() {
    return new RateLimitDecision(
        false, CLOSED_RETRY_AFTER_SECONDS, headers.refused(0, CLOSED_RETRY_AFTER_SECONDS));
  }

  private static long ceilSeconds(long nanos) {
    return nanos / NANOS_PER_SECOND + (nanos % NANOS_PER_SECOND == 0 ? 0 : 1);
  }

  /** Clients tracked now; at most {@link #capacity()}. */
  public int trackedClients() {
    return store.size();
  }

  /** The most clients tracked at once ({@code ipLimit}). */
  public int capacity() {
    return store.capacity();
  }

  /** How many times a new client took over the least recently used client's bucket. */
  public long handOvers() {
    return store.handOvers();
  }

  /** Requests waiting for tokens now; at most {@code maxWaitingRequests}. */
  public int waitingRequests() {
    return maxWaitingRequests - waitingPermits.availablePermits();
  }

  /** Requests that waited for tokens (or tried to: a wait that could not be served returns at once). */
  public long waits() {
    return waits.sum();
  }

  /** Nanoseconds spent waiting for tokens, all requests together, by the limiter's clock. */
  public long waitedNanos() {
    return waitedNanos.sum();
  }

  /** Tokens left for {@code clientKey} (marks it used; creates its bucket if new). For tests. */
  long availableTokens(String clientKey) {
    return store.bucketFor(clientKey).getAvailableTokens();
  }

  BucketStore store() {
    return store;
  }
}
