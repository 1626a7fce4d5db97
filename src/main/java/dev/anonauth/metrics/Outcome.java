package dev.anonauth.metrics;

import java.util.Locale;

/**
 * Every way a request can end in the filter, as the {@code outcome} and {@code reason} of
 * {@code anonauth.requests}. Each request moves exactly one of them.
 */
public enum Outcome {
  AUTH_DISABLED("authenticated", "auth_disabled"),
  SECRET_TOKEN("authenticated", "secret_token"),
  API_KEY("authenticated", "api_key"),
  ANONYMOUS_ALLOWED("anonymous", "allowed"),
  CORS_PREFLIGHT("passed", "cors_preflight"),
  MISSING_CREDENTIALS("refused", "missing_credentials"),
  INVALID_CREDENTIALS("refused", "invalid_credentials"),
  UNKNOWN_SCHEME("refused", "unknown_scheme"),
  API_KEY_LACKS_PRIVILEGE("refused", "api_key_lacks_privilege"),
  CREDENTIAL_STORE_UNAVAILABLE("refused", "credential_store_unavailable"),
  AGENT_NOT_PERMITTED("refused", "agent_not_permitted"),
  SERVICE_NOT_PERMITTED("refused", "service_not_permitted"),
  SOURCEMAP_DENIED("refused", "sourcemap_denied"),
  UNKNOWN_ENDPOINT("refused", "unknown_endpoint"),
  METHOD_NOT_ALLOWED("refused", "method_not_allowed"),
  MALFORMED("refused", "malformed"),
  TOO_LARGE("refused", "too_large"),
  UNSUPPORTED_MEDIA_TYPE("refused", "unsupported_media_type"),
  RATE_LIMITED_ENTRY("refused", "rate_limited_entry"),
  RATE_LIMITED_EVENTS("refused", "rate_limited_events"),
  /** The shared (Redis) rate-limit store is unreachable and {@code on_failure=deny}: 503. */
  RATE_LIMIT_STORE_UNAVAILABLE("refused", "rate_limit_store_unavailable"),
  /** A refusal reason this version does not know (a newer component's); never expected. */
  REFUSED_OTHER("refused", "other");

  private final String outcome;
  private final String reason;
  private final String key;
  private final String attributeName;
  private final boolean refused;

  Outcome(String outcome, String reason) {
    this.outcome = outcome;
    this.reason = reason;
    this.refused = outcome.equals("refused");
    this.key = outcome + ":" + reason;
    this.attributeName = camel(outcome) + camel(reason);
  }

  /** {@code authenticated}, {@code anonymous}, {@code passed} or {@code refused}. */
  public String outcome() {
    return outcome;
  }

  /** The credential method, {@code allowed}, {@code cors_preflight}, or why the request was refused. */
  public String reason() {
    return reason;
  }

  /** {@code outcome:reason}, the key in {@code FilterStatus.decisions()}. */
  public String key() {
    return key;
  }

  public boolean refused() {
    return refused;
  }

  public boolean rateLimited() {
    return this == RATE_LIMITED_ENTRY || this == RATE_LIMITED_EVENTS;
  }

  /** The JMX attribute name, e.g. {@code RefusedAgentNotPermitted}. */
  String attributeName() {
    return attributeName;
  }

  /** For an {@code Authentication.Authenticated} method: {@code none}, {@code secret_token}, {@code api_key}. */
  public static Outcome authenticated(String method) {
    return switch (method) {
      case "secret_token" -> SECRET_TOKEN;
      case "api_key" -> API_KEY;
      default -> AUTH_DISABLED;
    };
  }

  /** For a refusal's machine-readable reason (credential and intake stages); no allocation. */
  public static Outcome refusedFor(String reason) {
    return switch (reason) {
      case "missing_credentials" -> MISSING_CREDENTIALS;
      case "invalid_credentials" -> INVALID_CREDENTIALS;
      case "unknown_scheme" -> UNKNOWN_SCHEME;
      case "api_key_lacks_privilege" -> API_KEY_LACKS_PRIVILEGE;
      case "credential_store_unavailable" -> CREDENTIAL_STORE_UNAVAILABLE;
      case "agent_not_permitted" -> AGENT_NOT_PERMITTED;
      case "service_not_permitted" -> SERVICE_NOT_PERMITTED;
      case "sourcemap_denied" -> SOURCEMAP_DENIED;
      case "unknown_endpoint" -> UNKNOWN_ENDPOINT;
      case "method_not_allowed" -> METHOD_NOT_ALLOWED;
      case "malformed" -> MALFORMED;
      case "too_large" -> TOO_LARGE;
      case "unsupported_media_type" -> UNSUPPORTED_MEDIA_TYPE;
      case "rate_limited_entry" -> RATE_LIMITED_ENTRY;
      case "rate_limited_events" -> RATE_LIMITED_EVENTS;
      case "rate_limit_store_unavailable" -> RATE_LIMIT_STORE_UNAVAILABLE;
      default -> REFUSED_OTHER;
    };
  }

  private static String camel(String snake) {
    StringBuilder out = new StringBuilder(snake.length());
    for (String part : snake.split("_")) {
      out.append(part.substring(0, 1).toUpperCase(Locale.ROOT)).append(part.substring(1));
    }
    return out.toString();
  }
}
