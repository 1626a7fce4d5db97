package dev.anonauth.ratelimit;

import java.util.Map;

/**
 * The {@code RateLimit-Policy} and {@code RateLimit} fields of draft-ietf-httpapi-ratelimit-headers
 * (structured-field syntax of draft 08/09), sent on refusals only: they cost a string per 429, and a
 * well-behaved client that is never refused has nothing to adjust.
 *
 * <p>The policy is named {@code "anon"}; its quota {@code q} is the burst (3 × eventLimit tokens) and
 * its window {@code w} the 3 seconds an empty bucket takes to fill again. A token is one event (each
 * request also pays one on entry); no {@code qu} parameter is sent, as the draft's registered units
 * (requests, content-bytes, concurrent-requests) do not name events. {@code r} is the tokens left
 * (0 while a waiting request's reservation is outstanding) and {@code t} the same whole seconds as
 * {@code Retry-After}.
 */
final class RateLimitHeaders {

  static final String POLICY = "RateLimit-Policy";
  static final String RATE_LIMIT = "RateLimit";
  private static final String NAME = "\"anon\"";

  private final String policy;

  RateLimitHeaders(long burst, long windowSeconds) {
    this.policy = NAME + ";q=" + burst + ";w=" + windowSeconds;
  }

  Map<String, String> refused(long remainingTokens, long resetSeconds) {
    return Map.of(
        POLICY, policy,
        RATE_LIMIT, NAME + ";r=" + Math.max(0, remainingTokens) + ";t=" + resetSeconds);
  }
}
