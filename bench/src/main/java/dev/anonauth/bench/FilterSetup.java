package dev.anonauth.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/** The filter configuration every benchmark uses, so that micro and load numbers describe the same thing. */
public final class FilterSetup {

  /** The secret of the authenticated cases. */
  public static final String SECRET = "bench-secret-7f3a9c2e51d84b06";

  /** How many distinct client addresses the anonymous cases rotate through (below ip_limit: no hand-over). */
  public static final int CLIENTS = 256;

  private FilterSetup() {}

  /**
   * Secret token set, RUM on (so anonymous access is auto-enabled), default allowlists
   * ({@code rum-js, js-base}, any service), and a rate limit that never triggers: 1 000 000 events/s per
   * client (the configuration's maximum), 1000 clients tracked (the default). No trusted proxies: the
   * client address is the left-most {@code X-Forwarded-For} entry, as the APM Server does.
   */
  public static Map<String, String> initParams() {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("auth.secret_token", SECRET);
    params.put("rum.enabled", "true");
    params.put("auth.anonymous.rate_limit.event_limit", "1000000");
    params.put("auth.anonymous.rate_limit.ip_limit", "1000");
    return params;
  }

  /** Client {@code i} of {@link #CLIENTS}: 198.18.x.y (RFC 2544 benchmarking range). */
  public static String clientIp(int i) {
    return "198.18." + (i >> 8 & 0xff) + "." + (i & 0xff);
  }
}
