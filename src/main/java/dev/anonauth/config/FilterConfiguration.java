package dev.anonauth.config;

import dev.anonauth.net.IpRanges;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The filter's configuration, parsed and validated once at {@code init()}; immutable.
 *
 * <p>{@link #toString()} and {@link #describe()} never show the secret token.
 *
 * @param secretToken the shared secret agents send as {@code Authorization: Bearer <token>}
 * @param apiKeyEnabled whether {@code Authorization: ApiKey ...} is accepted
 * @param apiKeyFile the API key file, present when API keys are enabled
 * @param anonymousEnabled whether requests without credentials may get in (after auto-enable)
 * @param anonymousExplicit whether {@code auth.anonymous.enabled} was set, rather than derived
 * @param allowAgent agent names anonymous clients may use; empty = any
 * @param allowService service names anonymous clients may use; empty = any
 * @param eventLimit events per second per client
 * @param ipLimit how many clients the rate limiter tracks
 * @param maxWait how long an anonymous request may wait for event tokens
 * @param maxWaitingRequests how many anonymous requests may wait for tokens at once
 * @param rumEnabled the APM Server's {@code rum.enabled}; only drives anonymous auto-enable here
 * @param trustedProxies peers whose forwarding headers are believed; empty = everyone's (APM behaviour)
 * @param clientIpHeaders the headers consulted for the client address, in order
 * @param ipv6PrefixLength IPv6 clients are keyed by their network prefix of this length
 * @param maxEventSize the longest event line accepted, in decoded bytes
 * @param maxRequestSize the largest request body accepted, raw and decoded
 * @param redis the shared rate-limit store; empty = each node keeps its own buckets (the default)
 */
public record FilterConfiguration(
    Optional<String> secretToken,
    boolean apiKeyEnabled,
    Optional<Path> apiKeyFile,
    boolean anonymousEnabled,
    boolean anonymousExplicit,
    List<String> allowAgent,
    List<String> allowService,
    int eventLimit,
    int ipLimit,
    Duration maxWait,
    int maxWaitingRequests,
    boolean rumEnabled,
    IpRanges trustedProxies,
    List<String> clientIpHeaders,
    int ipv6PrefixLength,
    int maxEventSize,
    long maxRequestSize,
    Optional<RedisStore> redis) {

  /**
   * Rate-limit buckets shared by every node through Redis ({@code auth.anonymous.rate_limit.store=redis}).
   *
   * @param url {@code redis://} or {@code rediss://} URL, possibly with a password (never shown)
   * @param password the password, when given as its own init-param
   * @param timeout longest a request waits for Redis before the failure mode applies
   * @param failOpen while Redis is unreachable: {@code true} decides on this node's own buckets,
   *     {@code false} refuses anonymous requests with 503
   */
  public record RedisStore(String url, Optional<String> password, Duration timeout, boolean failOpen) {

    /** The URL with any password masked, for logs and status pages. */
    public String redactedUrl() {
      return url.replaceFirst("^(rediss?://)([^@/]*:)[^@/]*@", "$1$2***@");
    }

    @Override
    public String toString() {
      return "RedisStore[url=" + redactedUrl() + ", password=" + (password.isPresent() ? "(set)" : "(not set)")
          + ", timeout=" + timeout.toMillis() + "ms, failOpen=" + failOpen + "]";
    }
  }

  public FilterConfiguration {
    allowAgent = List.copyOf(allowAgent);
    allowService = List.copyOf(allowService);
    clientIpHeaders = List.copyOf(clientIpHeaders);
  }

  /**
   * Whether any credential is configured. Without one the APM Server lets every request through
   * unchecked, and so does the filter: every anonymous setting is then ignored.
   */
  public boolean authEnabled() {
    return secretToken.isPresent() || apiKeyEnabled;
  }

  /** The effective configuration, setting by setting, as an operator should see it; no secrets. */
  public Map<String, String> describe() {
    Map<String, String> effective = new LinkedHashMap<>();
    effective.put("auth (effective)", authEnabled() ? "enabled" : "disabled: every request passes unchecked");
    effective.put(Setting.SECRET_TOKEN.key(), secretToken.isPresent() ? "(set)" : "(not set)");
    effective.put(Setting.API_KEY_ENABLED.key(), String.valueOf(apiKeyEnabled));
    effective.put(Setting.API_KEY_FILE.key(), apiKeyFile.map(Path::toString).orElse("(not set)"));
    effective.put(
        Setting.ANONYMOUS_ENABLED.key(),
        anonymousEnabled + (anonymousExplicit ? "" : anonymousEnabled ? " (auto-enabled by rum.enabled)" : " (default)"));
    effective.put(Setting.ALLOW_AGENT.key(), allowAgent.isEmpty() ? "(any)" : String.join(", ", allowAgent));
    effective.put(Setting.ALLOW_SERVICE.key(), allowService.isEmpty() ? "(any)" : String.join(", ", allowService));
    effective.put(Setting.EVENT_LIMIT.key(), eventLimit + " events/s per client, burst " + 3L * eventLimit);
    effective.put(Setting.IP_LIMIT.key(), String.valueOf(ipLimit));
    effective.put(Setting.MAX_WAIT.key(), maxWait.toMillis() + "ms");
    effective.put(Setting.MAX_WAITING_REQUESTS.key(), String.valueOf(maxWaitingRequests));
    effective.put(Setting.RATE_LIMIT_STORE.key(), redis.isPresent() ? "redis" : "local");
    redis.ifPresent(store -> {
      effective.put(Setting.REDIS_URL.key(), store.redactedUrl());
      effective.put(Setting.REDIS_PASSWORD.key(), store.password().isPresent() ? "(set)" : "(not set)");
      effective.put(Setting.REDIS_TIMEOUT.key(), store.timeout().toMillis() + "ms");
      effective.put(
          Setting.REDIS_ON_FAILURE.key(),
          store.failOpen() ? "local (this node's buckets while Redis is unreachable)" : "deny (503 while Redis is unreachable)");
    });
    effective.put(Setting.RUM_ENABLED.key(), String.valueOf(rumEnabled));
    effective.put(
        Setting.TRUSTED_PROXIES.key(),
        trustedProxies.isEmpty() ? "(none: forwarding headers are believed from any client)" : trustedProxies.toString());
    effective.put(Setting.CLIENT_IP_HEADERS.key(), String.join(", ", clientIpHeaders));
    effective.put(Setting.IPV6_PREFIX_LENGTH.key(), "/" + ipv6PrefixLength);
    effective.put(Setting.MAX_EVENT_SIZE.key(), maxEventSize + " bytes");
    effective.put(Setting.MAX_REQUEST_SIZE.key(), maxRequestSize + " bytes");
    return effective;
  }

  @Override
  public String toString() {
    return "FilterConfiguration" + describe();
  }
}
