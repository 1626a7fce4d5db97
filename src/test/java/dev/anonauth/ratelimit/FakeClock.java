package dev.anonauth.ratelimit;

import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A clock tests move by hand; frozen unless told otherwise. */
final class FakeClock implements TimeMeter {

  // Not 0: nothing should depend on the clock starting at the epoch.
  private final AtomicLong nanos = new AtomicLong(Duration.ofDays(1).toNanos());

  void advance(Duration by) {
    advanceNanos(by.toNanos());
  }

  void advanceNanos(long by) {
    nanos.addAndGet(by);
  }

  @Override
  public long currentTimeNanos() {
    return nanos.get();
  }

  @Override
  public boolean isWallClockBased() {
    return false;
  }
}
