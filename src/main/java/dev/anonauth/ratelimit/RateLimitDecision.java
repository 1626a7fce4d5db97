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
 */
public record RateLimitDecision(boolean allowed, long retryAfterSeconds, Map<String, String> responseHeaders) {

  static final RateLimitDecision ALLOWED = new RateLimitDecision(true, 0, Map.of());

  public RateLimitDecision {
    if (retryAfterSeconds < 0) {
      throw new IllegalArgumentException("retryAfterSeconds was " + retryAfterSeconds + ", must be >= 0");
    }
    responseHeaders = Map.copyOf(Objects.requireNonNull(responseHeaders, "responseHeaders"));
  }
}
