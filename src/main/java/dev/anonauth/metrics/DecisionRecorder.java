package dev.anonauth.metrics;

/**
 * What the filter tells its metrics about each request. Called on the request path: implementations
 * must not block, lock or allocate for a request that is let through.
 */
public interface DecisionRecorder {

  /**
   * Exactly once per request that reaches a decision.
   *
   * @param clientKey the anonymous client's rate-limit key, or {@code null} before it is known
   */
  void decided(Outcome outcome, String clientKey);

  /** Events in an anonymous request passed on to the application. */
  void eventsAdmitted(int events);

  /** Events in an anonymous request refused when its events were charged (rate limited). */
  void eventsRefused(int events);
}
