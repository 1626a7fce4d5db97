package dev.anonauth.ratelimit;

import java.util.Map;

/**
 * Whether a rate-limited step may go on.
 *
 * @param allowed whether the tokens were taken
 * @param retryAfterSeconds when refused: whole seconds (at least 1) until enough tokens are back
 * @param responseHeaders headers to add to the response (e.g. {@code RateLimit-Policy}), never null
 */
public record RateLimitDecision(boolean allowed, long retryAfterSeconds, Map<String, String> responseHeaders) {}
