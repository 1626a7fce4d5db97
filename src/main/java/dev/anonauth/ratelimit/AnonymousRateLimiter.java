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
import java.util.Optional;
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
 * <h2>Shared buckets (Redis)</h2>
 * Built by {@link #withRedis}, the limiter also takes every token from the client's bucket in Redis,
 * shared by all nodes, so that a client spread over the cluster by a load balancer gets one budget,
 * not one per node. The node's own rotation-proof buckets stay in front as a pre-check and a fallback:
 * <ul>
 *   <li><b>Entry</b> ({@link #admit}) is taken from the node's bucket first. While that bucket holds at
 *       least a second's refill, the entry is decided there, with no round trip: the token is sent to
 *       Redis without waiting (pipelined on the connection) and Redis's answer lowers the node's bucket
 *       to what the cluster has left. Below that (a client near its limit, perhaps spending it on other
 *       nodes), the entry waits for Redis's answer, so that entries too are limited cluster-wide.
 *   <li><b>Events</b> ({@link #chargeEvents}) are taken from the node's bucket first (a refusal there
 *       needs no round trip: the node alone has seen the client use up its budget), then from Redis in
 *       one atomic round trip (a Lua script); a refusal by Redis hands the node's tokens back.
 *   <li>So a client within its budget waits for one round trip per request (the events'), one at its
 *       limit for two; every token granted was
 *       granted by the node's own store too: the per-node rotation bound above still holds.
 *   <li><b>Redis down or slow</b>: each call is bounded by the timeout; after a failure the limiter stops
 *       asking Redis (one probe a second; see {@link SharedStoreHealth}) and either decides on the node's
 *       buckets ({@code failOpen}, the default) or refuses with 503 ({@link RateLimitDecision#storeUnavailable()}).
 *       Logged once when Redis goes away and once when it is back.
 * </ul>
 *
 * <p>Thread-safe. The figures {@link #trackedClients()}, {@link #capacity()}, {@link #handOvers()},
 * {@link #waitingRequests()}, {@link #waits()} and {@link #waitedNanos()} are cheap to read for metrics
 * (the last two cost two clock reads per wait, nothing on the paths that do not wait).
 */
public final class AnonymousRateLimiter implements AutoCloseable {

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
  /** Null: local only. */
  private final SharedBuckets shared;
  private final SharedStoreHealth health;
  private final boolean failOpen;

  /** While the shared store is down, one request per this interval asks it again. */
  static final long PROBE_INTERVAL_NANOS = Duration.ofSeconds(1).toNanos();

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
    this(eventLimit, ipLimit, maxWait, maxWaitingRequests, clock, blocking, null, true, System::nanoTime);
  }

  /** With a shared store in front of which the local buckets act as pre-check and fallback. */
  AnonymousRateLimiter(
      int eventLimit,
      int ipLimit,
      Duration maxWait,
      int maxWaitingRequests,
      TimeMeter clock,
      BlockingStrategy blocking,
      SharedBuckets shared,
      boolean failOpen,
      java.util.function.LongSupplier healthClock) {
    validate(eventLimit, ipLimit, maxWait, maxWaitingRequests);
    this.shared = shared;
    this.failOpen = failOpen;
    this.health = shared == null ? null : new SharedStoreHealth(healthClock, PROBE_INTERVAL_NANOS, RedisStoreLoader.outageLog(failOpen));
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

  /**
   * A limiter whose buckets are shared through Redis (see the class comment). Needs
   * {@code io.lettuce:lettuce-core} on the class path; it is loaded only here.
   *
   * @param url {@code redis://} or {@code rediss://} URL
   * @param password the password when given apart from the URL
   * @param timeout longest a request waits for Redis
   * @param failOpen while Redis is unreachable: decide on this node's buckets (true) or refuse with 503
   * @throws IllegalStateException if lettuce-core is missing
   * @throws IllegalArgumentException if an argument is out of range or the URL is unusable
   */
  public static AnonymousRateLimiter withRedis(
      int eventLimit,
      int ipLimit,
      Duration maxWait,
      int maxWaitingRequests,
      String url,
      Optional<String> password,
      Duration timeout,
      boolean failOpen) {
    validate(eventLimit, ipLimit, maxWait, maxWaitingRequests);
    SharedBuckets shared =
        RedisStoreLoader.load(url, password.orElse(null), timeout, (long) BURST_SECONDS * eventLimit, eventLimit);
    AnonymousRateLimiter limiter = new AnonymousRateLimiter(
        eventLimit, ipLimit, maxWait, maxWaitingRequests, TimeMeter.SYSTEM_NANOTIME, BlockingStrategy.PARKING,
        shared, failOpen, System::nanoTime);
    if (!shared.connectNow()) {
      limiter.health.failed(new IllegalStateException("no connection within " + timeout.toMillis() + "ms at start-up"));
    }
    return limiter;
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
    Bucket local = store.bucketFor(clientKey);
    ConsumptionProbe probe = local.tryConsumeAndReturnRemaining(1);
    if (!probe.isConsumed()) {
      return refused(probe.getRemainingTokens(), probe.getNanosToWaitForRefill());
    }
    if (shared == null) {
      return RateLimitDecision.ALLOWED;
    }
    if (!health.shouldAsk()) {
      if (failOpen) {
        return RateLimitDecision.ALLOWED;
      }
      local.addTokens(1);
      return RateLimitDecision.STORE_UNAVAILABLE;
    }
    if (probe.getRemainingTokens() >= eventLimit) {
      // Plenty left (a second's refill or more): decided here; Redis is told without waiting, and its
      // answer lowers the node's bucket to what the cluster has left.
      shared.takeAsync(clientKey, 1, answer -> {
        health.succeeded();
        mirror(local, answer.remainingTokens());
      }, health::failed);
      return RateLimitDecision.ALLOWED;
    }
    // Near empty: the client may be using its budget on other nodes too; ask Redis and wait.
    try {
      SharedBuckets.Answer answer = shared.take(clientKey, 1, 0);
      health.succeeded();
      if (answer.taken()) {
        mirror(local, answer.remainingTokens());
        return RateLimitDecision.ALLOWED;
      }
      local.addTokens(1);
      mirror(local, answer.remainingTokens());
      return refused(answer.remainingTokens(), answer.nanosToWait());
    } catch (SharedBuckets.Unavailable e) {
      health.failed(e.getCause() == null ? e : e.getCause());
      if (failOpen) {
        return RateLimitDecision.ALLOWED;
      }
      local.addTokens(1);
      return RateLimitDecision.STORE_UNAVAILABLE;
    }
  }

  /** Lowers the node's bucket to what the cluster has left (never raises it). */
  private static void mirror(Bucket local, long clusterRemaining) {
    long excess = local.getAvailableTokens() - clusterRemaining;
    if (excess > 0) {
      local.tryConsume(excess);
    }
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
    if (shared == null) {
      return chargeLocally(bucket, events, allowedWaitNanos(events));
    }
    if (!health.shouldAsk()) {
      return failOpen ? chargeLocally(bucket, events, allowedWaitNanos(events)) : RateLimitDecision.STORE_UNAVAILABLE;
    }
    return chargeShared(clientKey, bucket, events);
  }

  /**
   * The node's bucket first (no round trip to refuse), then Redis in one round trip; a Redis refusal
   * hands the node's tokens back. A wait, if any, is shared between the two within the same allowance.
   */
  private RateLimitDecision chargeShared(String clientKey, Bucket local, int events) {
    long allowedWait = allowedWaitNanos(events);
    long start = clock.currentTimeNanos();
    RateLimitDecision locally = chargeLocally(local, events, allowedWait);
    if (!locally.allowed()) {
      return locally;
    }
    long waitLeft = Math.max(0, allowedWait - (clock.currentTimeNanos() - start));
    boolean mayWait = waitLeft > 0 && waitingPermits.tryAcquire();
    try {
      SharedBuckets.Answer answer;
      try {
        answer = shared.take(clientKey, events, mayWait ? waitLeft : 0);
      } catch (SharedBuckets.Unavailable e) {
        health.failed(e.getCause() == null ? e : e.getCause());
        if (failOpen) {
          return RateLimitDecision.ALLOWED; // the node's bucket paid: decided locally
        }
        local.addTokens(events);
        return RateLimitDecision.STORE_UNAVAILABLE;
      }
      health.succeeded();
      if (!answer.taken()) {
        local.addTokens(events);
        mirror(local, answer.remainingTokens());
        return refused(answer.remainingTokens(), answer.nanosToWait());
      }
      mirror(local, answer.remainingTokens());
      if (answer.nanosToWait() > 0) {
        try {
          blocking.park(answer.nanosToWait());
        } catch (InterruptedException e) {
          // Hand the reservation back everywhere, so that all-or-nothing holds.
          shared.takeAsync(clientKey, -events, ignored -> {}, health::failed);
          local.addTokens(events);
          Thread.currentThread().interrupt();
          return refused(0, answer.nanosToWait());
        }
      }
      return RateLimitDecision.ALLOWED;
    } finally {
      if (mayWait) {
        waitingPermits.release();
      }
    }
  }

  /** The local decision: take, or wait a bounded time, or refuse (see the class comment). */
  private RateLimitDecision chargeLocally(Bucket bucket, int events, long allowedWait) {
    ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(events);
    if (probe.isConsumed()) {
      return RateLimitDecision.ALLOWED;
    }
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

  /** Whether the shared store (Redis) is considered down now; false without one. */
  public boolean sharedStoreDown() {
    return health != null && health.isDown();
  }

  /** Closes the connection to the shared store, if any. */
  @Override
  public void close() {
    if (shared != null) {
      shared.close();
    }
  }
}
