package dev.anonauth.ratelimit;

import java.time.Duration;

/**
 * Per-client token buckets for anonymous requests, as the APM Server keeps them. STUB: the rate-limit
 * work fills it in.
 */
public final class AnonymousRateLimiter {

  public static final int DEFAULT_EVENT_LIMIT = 300;
  public static final int DEFAULT_IP_LIMIT = 1000;
  public static final Duration DEFAULT_MAX_WAIT = Duration.ofSeconds(1);
  public static final int DEFAULT_MAX_WAITING_REQUESTS = 16;

  public AnonymousRateLimiter(int eventLimit, int ipLimit, Duration maxWait, int maxWaitingRequests) {
    throw new UnsupportedOperationException("stub");
  }

  /** Takes the one token every anonymous request pays on entry; never waits. */
  public RateLimitDecision admit(String clientKey) {
    throw new UnsupportedOperationException("stub");
  }

  /** Charges a request's events; may wait a bounded time for tokens. */
  public RateLimitDecision chargeEvents(String clientKey, int events) {
    throw new UnsupportedOperationException("stub");
  }
}
