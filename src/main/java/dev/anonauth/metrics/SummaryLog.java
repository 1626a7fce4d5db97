package dev.anonauth.metrics;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Under attack, one line a period instead of one per request: at most once per {@code period}, the
 * first refusal after the period is over logs what happened since the previous summary — requests by
 * outcome and reason, events, the rate-limit store, the most limited clients. INFO, or WARN when more
 * than half of the requests were refused. Runs on the request path (no thread of its own): a quiet
 * period with no refusal logs nothing, and the summary of a burst appears with the next refusal.
 */
final class SummaryLog {

  static final int TOP_CLIENTS = 5;

  private final FilterMetrics metrics;
  private final Logger log;
  private final FilterMetrics.Clock clock;
  private final long periodNanos;
  private final AtomicLong lastNanos;
  private final long[] lastCounts = new long[Outcome.values().length];
  private long lastEventsAdmitted;
  private long lastEventsRefused;

  SummaryLog(FilterMetrics metrics, Logger log, FilterMetrics.Clock clock, Duration period) {
    this.metrics = metrics;
    this.log = log;
    this.clock = clock;
    this.periodNanos = period.toNanos();
    this.lastNanos = new AtomicLong(clock.nanoTime());
  }

  void maybeLog() {
    long now = clock.nanoTime();
    long last = lastNanos.get();
    if (now - last < periodNanos || !lastNanos.compareAndSet(last, now)) {
      return;
    }
    emit(now - last);
  }

  /** Only the thread that won the period gets here; synchronized against a very slow previous one. */
  private synchronized void emit(long elapsedNanos) {
    long total = 0;
    long refused = 0;
    StringBuilder refusals = new StringBuilder();
    StringBuilder passed = new StringBuilder();
    for (Outcome outcome : Outcome.values()) {
      long now = metrics.requests(outcome);
      long delta = now - lastCounts[outcome.ordinal()];
      lastCounts[outcome.ordinal()] = now;
      if (delta == 0) {
        continue;
      }
      total += delta;
      if (outcome.refused()) {
        refused += delta;
        append(refusals, outcome.reason(), delta);
      } else {
        append(passed, outcome.key(), delta);
      }
    }
    long admittedNow = metrics.eventsAdmitted();
    long refusedNow = metrics.eventsRefused();
    long eventsAdmitted = admittedNow - lastEventsAdmitted;
    long eventsRefused = refusedNow - lastEventsRefused;
    lastEventsAdmitted = admittedNow;
    lastEventsRefused = refusedNow;

    StringBuilder line = new StringBuilder(256)
        .append("AnonymousAuthFilter '").append(metrics.filterName()).append("' (context ")
        .append(metrics.contextPath()).append(") in the last ").append(Math.round(elapsedNanos / 1e9)).append("s: ")
        .append(total).append(" requests, ").append(refused).append(" refused (")
        .append(total == 0 ? 0 : Math.round(100.0 * refused / total)).append("%)");
    if (refusals.length() > 0) {
      line.append(": ").append(refusals);
    }
    if (passed.length() > 0) {
      line.append("; passed: ").append(passed);
    }
    line.append("; events admitted=").append(eventsAdmitted).append(" refused=").append(eventsRefused);
    RateLimitFigures store = metrics.rateLimit();
    line.append("; rate limit: ").append(store.trackedClients()).append('/').append(store.capacity())
        .append(" clients tracked, ").append(store.handOvers()).append(" hand-overs since start");
    List<LimitedClient> top = metrics.ring().top(TOP_CLIENTS);
    if (!top.isEmpty()) {
      line.append("; most limited:");
      for (LimitedClient client : top) {
        line.append(' ').append(client.key()).append(" x").append(client.times());
      }
    }
    if (refused * 2 > total) {
      log.warn("{}", line);
    } else {
      log.info("{}", line);
    }
  }

  private static void append(StringBuilder out, String name, long count) {
    if (out.length() > 0) {
      out.append(", ");
    }
    out.append(name).append('=').append(count);
  }
}
