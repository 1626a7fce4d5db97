package dev.anonauth.metrics;

import java.time.Instant;

/**
 * A client recently refused by the rate limiter.
 *
 * @param key its rate-limit key (an IP address, or an IPv6 prefix)
 * @param lastLimited when it was last refused
 * @param times how often it was refused since it entered the ring of recently limited clients
 */
public record LimitedClient(String key, Instant lastLimited, long times) {}
