package dev.anonauth.config;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every init-param the filter reads. Canonical names are the APM Server keys without the
 * {@code apm-server.} prefix; the prefixed form is accepted as an alias. A name that is not listed
 * here fails {@code init()}: a typo must never leave a filter running with a default the operator did
 * not choose.
 */
public enum Setting {
  SECRET_TOKEN("auth.secret_token", "any non-empty string; ${env:NAME} or ${file:/path} to keep it out of the WAR"),
  API_KEY_ENABLED("auth.api_key.enabled", "true or false"),
  API_KEY_FILE("auth.api_key.file", "path of the API key file (required when auth.api_key.enabled=true)"),
  ANONYMOUS_ENABLED("auth.anonymous.enabled", "true or false"),
  ALLOW_AGENT("auth.anonymous.allow_agent", "comma-separated agent names; empty = any agent"),
  ALLOW_SERVICE("auth.anonymous.allow_service", "comma-separated service names; empty = any service"),
  EVENT_LIMIT("auth.anonymous.rate_limit.event_limit", "an integer from 0 to 1000000 (events per second per client)"),
  IP_LIMIT("auth.anonymous.rate_limit.ip_limit", "an integer from 1 to 10000000 (clients tracked)"),
  MAX_WAIT("auth.anonymous.rate_limit.max_wait", "a duration from 0ms to 10s, e.g. 1s or 250ms"),
  MAX_WAITING_REQUESTS(
      "auth.anonymous.rate_limit.max_waiting_requests", "an integer from 0 to 10000 (0 = never wait)"),
  RATE_LIMIT_STORE("auth.anonymous.rate_limit.store", "local or redis"),
  REDIS_URL(
      "auth.anonymous.rate_limit.redis.url",
      "redis://[[user]:password@]host[:port][/database] or rediss://... (TLS); required with store=redis"),
  REDIS_PASSWORD(
      "auth.anonymous.rate_limit.redis.password",
      "the Redis password, e.g. ${env:REDIS_PASSWORD}; not together with a password in the URL"),
  REDIS_TIMEOUT("auth.anonymous.rate_limit.redis.timeout", "a duration from 1ms to 5s, e.g. 100ms"),
  REDIS_ON_FAILURE(
      "auth.anonymous.rate_limit.redis.on_failure",
      "local (decide on this node's buckets while Redis is unreachable) or deny (answer 503)"),
  RUM_ENABLED("rum.enabled", "true or false"),
  TRUSTED_PROXIES("client_ip.trusted_proxies", "comma-separated CIDR blocks or addresses, IPv4 or IPv6"),
  CLIENT_IP_HEADERS("client_ip.headers", "comma-separated header names, e.g. Forwarded, X-Real-Ip, X-Forwarded-For"),
  IPV6_PREFIX_LENGTH("client_ip.ipv6_prefix_length", "an integer from 1 to 128"),
  MAX_EVENT_SIZE("intake.max_event_size", "a byte count from 1024 to 104857600, e.g. 307200 or 300KiB"),
  MAX_REQUEST_SIZE("intake.max_request_size", "a byte count from 1024 to 1073741824, e.g. 10MiB");

  /** The prefix the APM Server puts before every key; accepted as an alias. */
  public static final String APM_SERVER_PREFIX = "apm-server.";

  private static final Map<String, Setting> BY_NAME =
      Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(Setting::key, Function.identity()));

  private final String key;
  private final String accepted;

  Setting(String key, String accepted) {
    this.key = key;
    this.accepted = accepted;
  }

  /** The canonical init-param name. */
  public String key() {
    return key;
  }

  /** What values are accepted, in words an operator can act on. */
  public String accepted() {
    return accepted;
  }

  /** The setting an init-param name stands for, canonical or {@code apm-server.}-prefixed. */
  static Optional<Setting> byName(String name) {
    String canonical = name.startsWith(APM_SERVER_PREFIX) ? name.substring(APM_SERVER_PREFIX.length()) : name;
    return Optional.ofNullable(BY_NAME.get(canonical));
  }
}
