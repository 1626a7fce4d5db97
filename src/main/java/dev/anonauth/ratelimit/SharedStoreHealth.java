package dev.anonauth.ratelimit;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Whether the shared store is worth asking, so that an outage costs each request nothing after the
 * first failure: a circuit breaker that logs an outage once and the recovery once, never per request.
 *
 * <p>Up: every request asks the store. After a failure: down; requests decide without the store, and
 * once per {@code probeInterval} exactly one request (the one that wins a compare-and-set) asks again.
 * Its success brings the store back up. So while the store is down, at most one request per interval
 * spends up to the store's timeout; every other one decides locally at once.
 */
final class SharedStoreHealth {

  /** Told of transitions only; the production one logs. */
  interface Listener {
    void wentDown(Throwable cause);

    void cameBack(long downNanos, long decidedWithoutStore);
  }

  private final LongSupplier nanoClock;
  private final long probeIntervalNanos;
  private final Listener listener;

  private volatile boolean down;
  private final AtomicLong nextProbeAt = new AtomicLong();
  private volatile long downSince;
  private final AtomicLong decidedWithoutStore = new AtomicLong();

  SharedStoreHealth(LongSupplier nanoClock, long probeIntervalNanos, Listener listener) {
    this.nanoClock = nanoClock;
    this.probeIntervalNanos = probeIntervalNanos;
    this.listener = listener;
  }

  /** Whether this request should ask the store: always while up; while down, one request per interval. */
  boolean shouldAsk() {
    if (!down) {
      return true;
    }
    long now = nanoClock.getAsLong();
    long at = nextProbeAt.get();
    if (now - at >= 0 && nextProbeAt.compareAndSet(at, now + probeIntervalNanos)) {
      return true;
    }
    decidedWithoutStore.incrementAndGet();
    return false;
  }

  /** Whether the store is considered down (for fail-closed decisions and metrics). */
  boolean isDown() {
    return down;
  }

  /** The store answered. */
  void succeeded() {
    if (down) {
      synchronized (this) {
        if (down) {
          down = false;
          listener.cameBack(nanoClock.getAsLong() - downSince, decidedWithoutStore.getAndSet(0));
        }
      }
    }
  }

  /** The store failed to answer in time. */
  void failed(Throwable cause) {
    long now = nanoClock.getAsLong();
    nextProbeAt.set(now + probeIntervalNanos);
    if (!down) {
      synchronized (this) {
        if (!down) {
          downSince = now;
          down = true;
          listener.wentDown(cause);
        }
      }
    }
  }
}
