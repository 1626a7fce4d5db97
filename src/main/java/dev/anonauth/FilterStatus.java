package dev.anonauth;

import dev.anonauth.metrics.LimitedClient;
import java.util.List;
import java.util.Map;

/**
 * A read-only view of a running filter, for a status page: its effective configuration (never the
 * secret), how many requests ended in each outcome, and the rate limiter's figures. The filter publishes
 * it as a servlet-context attribute named {@link AnonymousAuthFilter#STATUS_ATTRIBUTE_PREFIX} + the
 * filter's name, and removes it in {@code destroy()}. Every call reads the live figures.
 */
public interface FilterStatus {

  /** Setting → effective value, in a stable order. */
  Map<String, String> configuration();

  /**
   * {@code outcome:reason} → requests since start, only outcomes that happened, sorted. Outcomes and
   * reasons as in {@link dev.anonauth.metrics.Outcome}: {@code authenticated:secret_token},
   * {@code anonymous:allowed}, {@code refused:agent_not_permitted}, {@code refused:rate_limited_entry}, ...
   */
  Map<String, Long> decisions();

  /** {@code admitted} and {@code refused} (by the event rate limit) → events since start. */
  Map<String, Long> events();

  /**
   * {@code clients}, {@code capacity}, {@code hand_overs}, {@code waiting_requests}, {@code waits},
   * {@code wait_seconds}.
   */
  Map<String, Number> rateLimit();

  /** The clients most recently refused by the rate limiter (at most 32), most recent first. */
  List<LimitedClient> recentlyLimited();
}
