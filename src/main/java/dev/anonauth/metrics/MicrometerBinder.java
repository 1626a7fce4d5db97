package dev.anonauth.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Publishes a filter's figures as Micrometer meters. The only class that names a Micrometer type:
 * {@link FilterMetrics} calls it only after checking that Micrometer is on the class path, and the
 * call's signature names none ({@code Object} in, {@code Runnable} out), so the filter links without it.
 *
 * <p>Meters (each tagged {@code filter} and {@code context}); Prometheus names in brackets:
 * <ul>
 *   <li>{@code anonauth.requests} {@code outcome}, {@code reason} [{@code anonauth_requests_total}]
 *   <li>{@code anonauth.events} {@code outcome=admitted|refused} [{@code anonauth_events_total}]
 *   <li>{@code anonauth.ratelimit.clients}, {@code anonauth.ratelimit.capacity},
 *       {@code anonauth.ratelimit.waiting} (gauges)
 *   <li>{@code anonauth.ratelimit.handovers} [{@code anonauth_ratelimit_handovers_total}]
 *   <li>{@code anonauth.ratelimit.wait} (a function timer) [{@code anonauth_ratelimit_wait_seconds_count/_sum}]
 * </ul>
 * They are function counters and gauges over the filter's own counters: nothing is recorded into
 * Micrometer on the request path.
 */
final class MicrometerBinder {

  static final String PREFIX = "anonauth.";

  private MicrometerBinder() {}

  /** Registers the meters; the returned action removes them (call it from the filter's destroy()). */
  static Runnable bind(Object candidate, FilterMetrics metrics) {
    MeterRegistry registry = registry(candidate);
    Tags common = Tags.of("filter", metrics.filterName(), "context", metrics.contextPath());
    removeStale(registry, common);
    List<Meter> meters = new ArrayList<>();
    for (Outcome outcome : Outcome.values()) {
      meters.add(FunctionCounter.builder(PREFIX + "requests", metrics, m -> m.requests(outcome))
          .description("Requests decided by the anonymous-auth filter, by outcome and reason")
          .baseUnit("requests")
          .tags(common).tag("outcome", outcome.outcome()).tag("reason", outcome.reason())
          .register(registry));
    }
    meters.add(FunctionCounter.builder(PREFIX + "events", metrics, FilterMetrics::eventsAdmitted)
        .description("Events in anonymous requests, admitted or refused by the event rate limit")
        .baseUnit("events").tags(common).tag("outcome", "admitted").register(registry));
    meters.add(FunctionCounter.builder(PREFIX + "events", metrics, FilterMetrics::eventsRefused)
        .description("Events in anonymous requests, admitted or refused by the event rate limit")
        .baseUnit("events").tags(common).tag("outcome", "refused").register(registry));
    meters.add(Gauge.builder(PREFIX + "ratelimit.clients", metrics, m -> m.rateLimit().trackedClients())
        .description("Clients tracked by the rate limiter now").baseUnit("clients").tags(common).register(registry));
    meters.add(Gauge.builder(PREFIX + "ratelimit.capacity", metrics, m -> m.rateLimit().capacity())
        .description("Most clients the rate limiter tracks (ip_limit)").tags(common)
        .register(registry));
    meters.add(Gauge.builder(PREFIX + "ratelimit.waiting", metrics, m -> m.rateLimit().waitingRequests())
        .description("Requests waiting for rate-limit tokens now").tags(common)
        .register(registry));
    meters.add(FunctionCounter.builder(PREFIX + "ratelimit.handovers", metrics, m -> m.rateLimit().handOvers())
        .description("New clients that took over the least recently used client's bucket (evictions)")
        .tags(common).register(registry));
    meters.add(FunctionTimer.builder(PREFIX + "ratelimit.wait", metrics,
            m -> m.rateLimit().waits(), m -> m.rateLimit().waitedNanos(), TimeUnit.NANOSECONDS)
        .description("Requests that waited for rate-limit tokens, and how long in all")
        .tags(common).register(registry));
    return () -> meters.forEach(registry::remove);
  }

  private static MeterRegistry registry(Object candidate) {
    if (candidate == null) {
      return Metrics.globalRegistry;
    }
    if (candidate instanceof MeterRegistry registry) {
      return registry;
    }
    throw new IllegalArgumentException("servlet-context attribute " + FilterMetrics.METER_REGISTRY_ATTRIBUTE
        + " is a " + candidate.getClass().getName() + ", must be an " + MeterRegistry.class.getName()
        + " loaded by the filter's class loader");
  }

  /** Meters of an earlier instance with the same filter name and context that was never destroyed. */
  private static void removeStale(MeterRegistry registry, Tags common) {
    for (Meter meter : List.copyOf(registry.getMeters())) {
      Meter.Id id = meter.getId();
      if (id.getName().startsWith(PREFIX) && hasAll(id, common)) {
        registry.remove(meter);
      }
    }
  }

  private static boolean hasAll(Meter.Id id, Tags tags) {
    for (Tag tag : tags) {
      if (!tag.getValue().equals(id.getTag(tag.getKey()))) {
        return false;
      }
    }
    return true;
  }
}
