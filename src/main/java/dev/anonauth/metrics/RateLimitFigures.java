package dev.anonauth.metrics;

import dev.anonauth.ratelimit.AnonymousRateLimiter;

/** The rate limiter's gauges, read when metrics are scraped (never on the request path). */
public interface RateLimitFigures {

  /** Clients tracked now. */
  long trackedClients();

  /** The most clients tracked at once ({@code ip_limit}). */
  long capacity();

  /** How often a new client took over the least recently used client's bucket (evictions). */
  long handOvers();

  /** Requests waiting for tokens now. */
  long waitingRequests();

  /** Requests that waited for tokens, since start. */
  long waits();

  /** Nanoseconds spent waiting for tokens, all requests together, since start. */
  long waitedNanos();

  static RateLimitFigures of(AnonymousRateLimiter limiter) {
    return new RateLimitFigures() {
      @Override
      public long trackedClients() {
        return limiter.trackedClients();
      }

      @Override
      public long capacity() {
        return limiter.capacity();
      }

      @Override
      public long handOvers() {
        return limiter.handOvers();
      }

      @Override
      public long waitingRequests() {
        return limiter.waitingRequests();
      }

      @Override
      public long waits() {
        return limiter.waits();
      }

      @Override
      public long waitedNanos() {
        return limiter.waitedNanos();
      }
    };
  }
}
