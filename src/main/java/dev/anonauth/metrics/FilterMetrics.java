package dev.anonauth.metrics;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;

/**
 * The figures of one filter instance, counted once and read by every publisher: the platform MBean
 * server (always), Micrometer (when it is on the class path), the periodic summary log and the
 * {@code FilterStatus} a status page reads.
 *
 * <p>Recording a decision is one {@link LongAdder} increment; a refusal also checks whether a summary
 * is due (one clock read), and a rate-limit refusal bumps the ring of recently limited clients. No
 * lock, and no allocation except a ring slot for a client not already in the ring. Publishers read the
 * adders when scraped: Micrometer's meters are function counters and gauges over them.
 *
 * <h2>Where Micrometer's registry comes from</h2>
 * The servlet-context attribute {@value #METER_REGISTRY_ATTRIBUTE}, if the application set one (a
 * {@code ServletContextListener} runs before filters start), else {@code Metrics.globalRegistry}
 * (where Spring Boot also publishes by default). Micrometer is an optional dependency: its classes are
 * touched only by {@code MicrometerBinder}, and only after a class-presence check.
 */
public final class FilterMetrics implements DecisionRecorder, AutoCloseable {

  /** The servlet-context attribute an application sets to a Micrometer {@code MeterRegistry}. */
  public static final String METER_REGISTRY_ATTRIBUTE = "dev.anonauth.meterRegistry";

  /** How often, at most, the summary of refusals is logged. */
  public static final Duration SUMMARY_PERIOD = Duration.ofMinutes(1);

  private static final String MICROMETER_PROBE = "io.micrometer.core.instrument.MeterRegistry";

  /** Time, injected so that tests move it instead of sleeping. */
  public interface Clock {
    /** Monotonic, for the summary period. */
    long nanoTime();

    /** Wall-clock, for when a client was limited. */
    long epochMillis();

    Clock SYSTEM = new Clock() {
      @Override
      public long nanoTime() {
        return System.nanoTime();
      }

      @Override
      public long epochMillis() {
        return System.currentTimeMillis();
      }
    };
  }

  private final String filterName;
  private final String contextPath;
  private final RateLimitFigures rateLimit;
  private final Clock clock;
  private final LongAdder[] requests = new LongAdder[Outcome.values().length];
  private final LongAdder eventsAdmitted = new LongAdder();
  private final LongAdder eventsRefused = new LongAdder();
  private final RecentlyLimited recentlyLimited = new RecentlyLimited(RecentlyLimited.DEFAULT_SIZE);
  private final SummaryLog summary;
  private JmxRegistration jmx;
  private Runnable micrometer;

  FilterMetrics(String filterName, String contextPath, RateLimitFigures rateLimit, Logger log, Clock clock) {
    this.filterName = filterName;
    this.contextPath = contextPath == null || contextPath.isEmpty() ? "/" : contextPath;
    this.rateLimit = rateLimit;
    this.clock = clock;
    for (int i = 0; i < requests.length; i++) {
      requests[i] = new LongAdder();
    }
    this.summary = new SummaryLog(this, log, clock, SUMMARY_PERIOD);
  }

  /**
   * Starts counting and publishes the figures: an MBean on the platform MBean server, and Micrometer
   * meters when Micrometer is on the class path.
   *
   * @param contextPath the servlet context path ({@code ""} or {@code null} for the root context, shown as {@code /})
   * @param meterRegistry the value of {@link #METER_REGISTRY_ATTRIBUTE}, or {@code null}
   * @param log where the periodic summary goes (and why JMX could not be used, if so)
   * @throws IllegalArgumentException if {@code meterRegistry} is set but is not a Micrometer registry
   *     the filter's class loader can see
   */
  public static FilterMetrics start(
      String filterName, String contextPath, Object meterRegistry, RateLimitFigures rateLimit, Logger log,
      Clock clock) {
    FilterMetrics metrics = new FilterMetrics(filterName, contextPath, rateLimit, log, clock);
    if (micrometerPresent()) {
      metrics.micrometer = MicrometerBinder.bind(meterRegistry, metrics);
    } else if (meterRegistry != null) {
      throw new IllegalArgumentException("servlet-context attribute " + METER_REGISTRY_ATTRIBUTE + " is set (a "
          + meterRegistry.getClass().getName() + ") but Micrometer is not on the filter's class path");
    }
    metrics.jmx = JmxRegistration.register(metrics, log);
    return metrics;
  }

  static boolean micrometerPresent() {
    try {
      Class.forName(MICROMETER_PROBE, false, FilterMetrics.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  @Override
  public void decided(Outcome outcome, String clientKey) {
    requests[outcome.ordinal()].increment();
    if (outcome.refused()) {
      if (clientKey != null && outcome.rateLimited()) {
        recentlyLimited.limited(clientKey, clock.epochMillis());
      }
      summary.maybeLog();
    }
  }

  @Override
  public void eventsAdmitted(int events) {
    eventsAdmitted.add(events);
  }

  @Override
  public void eventsRefused(int events) {
    eventsRefused.add(events);
  }

  /** Requests that ended in {@code outcome} since start. */
  public long requests(Outcome outcome) {
    return requests[outcome.ordinal()].sum();
  }

  /** {@code outcome:reason} → count, only the outcomes that happened, sorted. */
  public Map<String, Long> decisions() {
    Map<String, Long> copy = new TreeMap<>();
    for (Outcome outcome : Outcome.values()) {
      long count = requests(outcome);
      if (count > 0) {
        copy.put(outcome.key(), count);
      }
    }
    return copy;
  }

  public long eventsAdmitted() {
    return eventsAdmitted.sum();
  }

  public long eventsRefused() {
    return eventsRefused.sum();
  }

  public RateLimitFigures rateLimit() {
    return rateLimit;
  }

  /** Up to 32 clients, most recently limited first. */
  public List<LimitedClient> recentlyLimited() {
    return recentlyLimited.snapshot();
  }

  public String filterName() {
    return filterName;
  }

  /** The context path, {@code /} for the root context. */
  public String contextPath() {
    return contextPath;
  }

  RecentlyLimited ring() {
    return recentlyLimited;
  }

  /** Removes the MBean and the Micrometer meters; counting goes on harmlessly if called again. */
  @Override
  public synchronized void close() {
    if (micrometer != null) {
      micrometer.run();
      micrometer = null;
    }
    if (jmx != null) {
      jmx.unregister();
      jmx = null;
    }
  }
}
