package dev.anonauth.ratelimit;

import java.util.Map;
import java.util.Objects;

/**
 * Whether a rate-limited step may go on.
 *
 * @param allowed whether the tokens were taken
 * @param retryAfterSeconds when refused: whole seconds (at least 1) until enough tokens are back, for
 *     {@code Retry-After}; 0 when allowed
 * @param responseHeaders headers to add to the response (the IETF {@code RateLimit-Policy} and
 *     {@code RateLimit} fields on refusals, none when allowed), never null
 * @param storeUnavailable refused because the shared rate-limit store (Redis) is unreachable and
 *     {@code on_failure=deny}: answer 503, not 429
 */
public record RateLimitDecision(
    boolean allowed, long retryAfterSeconds, Map<String, String> responseHeaders, boolean storeUnavailable) {

  static final RateLimitDecision ALLOWED = new RateLimitDecision(true, 0, Map.of());
  /** Fail-closed while the shared store is down: 503, retry in a second. */
  static final RateLimitDecision STORE_UNAVAILABLE = new RateLimitDecision(false, 1, Map.of(), true);

  public RateLimitDecision(boolean allowed, long retryAfterSeconds, Map<String, String> responseHeaders) {
    this(allowed, retryAfterSeconds, responseHeaders, false);
  }

  /** The status to answer a refusal with: 429, or 503 while the shared store is unreachable. */
  public int refusalStatus() {
    return storeUnavailable ? 503 : 429;
  }

  public RateLimitDecision {
    if (retryAfterSeconds < 0) {
      throw new IllegalArgumentException("retryAfterSeconds was " + retryAfterSeconds + ", must be >= 0");
    }
    responseHeaders = Map.copyOf(Objects.requireNonNull(responseHeaders, "responseHeaders"));
  }
}
