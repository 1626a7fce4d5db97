package dev.anonauth;

import java.util.Map;

/**
 * A read-only view of a running filter, for a status page: its effective configuration (never the
 * secret) and how many requests ended in each outcome. The filter publishes it as a servlet-context
 * attribute named {@link AnonymousAuthFilter#STATUS_ATTRIBUTE_PREFIX} + the filter's name.
 */
public interface FilterStatus {

  /** Setting → effective value, in a stable order. */
  Map<String, String> configuration();

  /**
   * Outcome → count since start. Outcomes: {@code authenticated:<method>}, {@code anonymous:allowed},
   * {@code refused:<reason>}.
   */
  Map<String, Long> decisions();
}
