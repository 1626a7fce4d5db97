package dev.anonauth;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Logs refusals at DEBUG, at most {@code perSecond} lines a second: under attack the log says how many
 * lines it left out instead of filling the disk.
 */
final class RefusalLog {

  private final Logger log;
  private final int perSecond;
  private final LongSupplier nanoTime;
  private final AtomicLong windowStart;
  private final AtomicLong inWindow = new AtomicLong();
  private final AtomicLong suppressed = new AtomicLong();

  RefusalLog(Logger log, int perSecond, LongSupplier nanoTime) {
    this.log = log;
    this.perSecond = perSecond;
    this.nanoTime = nanoTime;
    this.windowStart = new AtomicLong(nanoTime.getAsLong());
  }

  void refused(int status, String reason, String client, String path) {
    if (!log.isDebugEnabled()) {
      return;
    }
    long now = nanoTime.getAsLong();
    long start = windowStart.get();
    if (now - start >= 1_000_000_000L && windowStart.compareAndSet(start, now)) {
      inWindow.set(0);
      long left = suppressed.getAndSet(0);
      if (left > 0) {
        log.debug("{} more refusals were not logged in the last second", left);
      }
    }
    if (inWindow.incrementAndGet() <= perSecond) {
      log.debug("refused {} {} client={} path={}", status, reason, client, path);
    } else {
      suppressed.incrementAndGet();
    }
  }
}
