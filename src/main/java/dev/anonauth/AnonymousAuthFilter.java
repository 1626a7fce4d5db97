package dev.anonauth;

import dev.anonauth.config.ConfigurationException;
import dev.anonauth.config.ConfigurationParser;
import dev.anonauth.config.FilterConfiguration;
import dev.anonauth.config.Setting;
import dev.anonauth.credential.Authentication;
import dev.anonauth.credential.Authenticator;
import dev.anonauth.credential.Privilege;
import dev.anonauth.http.ErrorResponses;
import dev.anonauth.http.Messages;
import dev.anonauth.intake.Action;
import dev.anonauth.intake.AnonymousRequestInspector;
import dev.anonauth.intake.Inspection;
import dev.anonauth.net.ClientAddress;
import dev.anonauth.net.ClientIpResolver;
import dev.anonauth.ratelimit.AnonymousRateLimiter;
import dev.anonauth.ratelimit.RateLimitDecision;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Elastic APM Server's anonymous authentication as a servlet filter.
 *
 * <p>For every request: with no secret token and no API keys configured, everything passes (as in the
 * APM Server). Otherwise a {@code Bearer} secret token or an {@code ApiKey} lets the request through
 * unrestricted; a request without credentials is <em>anonymous</em> and, when anonymous access is on, it
 * is attributed to a client address, pays one rate-limit token, has its agent and service checked against
 * the allowlists for every event it carries, and has its events charged to its client's bucket, all before
 * the application sees a byte. Anything else is refused with the APM Server's status and message.
 *
 * <p>Map it in front of the intake endpoints ({@code /intake/*}, {@code /config/*}, {@code /assets/*}).
 * Mapped to {@code /*}, anonymous requests to any other path are refused with 403. Put it <em>after</em>
 * a CORS filter, so that refusals still carry {@code Access-Control-Allow-Origin}; CORS preflights
 * pass untouched.
 *
 * <p>All configuration is read once in {@link #init}; a bad or unknown init-param fails {@code init()}
 * with a message naming it, so a misconfigured filter never serves traffic.
 */
public final class AnonymousAuthFilter implements Filter {

  /** The servlet-context attribute prefix under which each filter publishes its {@link FilterStatus}. */
  public static final String STATUS_ATTRIBUTE_PREFIX = AnonymousAuthFilter.class.getName() + ".status.";

  private static final Logger LOG = LoggerFactory.getLogger(AnonymousAuthFilter.class);

  private FilterConfiguration configuration;
  private Authenticator authenticator;
  private ClientIpResolver clientIps;
  private AnonymousRequestInspector inspector;
  private AnonymousRateLimiter rateLimiter;
  private final DecisionCounters counters = new DecisionCounters();
  private final RefusalLog refusalLog = new RefusalLog(LOG, 20, System::nanoTime);

  @Override
  public void init(FilterConfig filterConfig) throws ServletException {
    Map<String, String> initParams = new LinkedHashMap<>();
    for (String name : Collections.list(filterConfig.getInitParameterNames())) {
      initParams.put(name, filterConfig.getInitParameter(name));
    }
    try {
      configuration = ConfigurationParser.parse(initParams);
    } catch (ConfigurationException e) {
      LOG.error("{}", e.getMessage());
      throw new ServletException(e.getMessage(), e);
    }
    authenticator = buildAuthenticator(configuration);
    clientIps = buildClientIpResolver(configuration);
    inspector = new AnonymousRequestInspector(
        new HashSet<>(configuration.allowAgent()),
        new HashSet<>(configuration.allowService()),
        configuration.maxEventSize(),
        configuration.maxRequestSize());
    rateLimiter = buildRateLimiter(configuration);
    filterConfig.getServletContext().setAttribute(STATUS_ATTRIBUTE_PREFIX + filterConfig.getFilterName(), status());
    LOG.info("AnonymousAuthFilter '{}' effective configuration: {}", filterConfig.getFilterName(), configuration.describe());
    if (configuration.authEnabled() && configuration.anonymousEnabled() && configuration.trustedProxies().isEmpty()) {
      LOG.warn("anonymous access is on and {} is not set: clients choose their own address through "
          + "forwarding headers and can walk around the per-client rate limit", Setting.TRUSTED_PROXIES.key());
    }
  }

  private static Authenticator buildAuthenticator(FilterConfiguration configuration) throws ServletException {
    try {
      return Authenticator.from(configuration);
    } catch (IllegalArgumentException e) {
      throw configurationError(Setting.API_KEY_FILE, e);
    }
  }

  private static AnonymousRateLimiter buildRateLimiter(FilterConfiguration configuration) throws ServletException {
    if (configuration.redis().isEmpty()) {
      return new AnonymousRateLimiter(
          configuration.eventLimit(), configuration.ipLimit(), configuration.maxWait(), configuration.maxWaitingRequests());
    }
    FilterConfiguration.RedisStore redis = configuration.redis().get();
    try {
      return AnonymousRateLimiter.withRedis(
          configuration.eventLimit(), configuration.ipLimit(), configuration.maxWait(), configuration.maxWaitingRequests(),
          redis.url(), redis.password(), redis.timeout(), redis.failOpen());
    } catch (IllegalArgumentException e) {
      throw configurationError(Setting.REDIS_URL, e);
    } catch (IllegalStateException e) {
      throw configurationError(Setting.RATE_LIMIT_STORE, new IllegalArgumentException(e.getMessage(), e));
    }
  }

  @Override
  public void destroy() {
    if (rateLimiter != null) {
      rateLimiter.close();
    }
  }

  private static ClientIpResolver buildClientIpResolver(FilterConfiguration configuration) throws ServletException {
    try {
      return new ClientIpResolver(
          configuration.clientIpHeaders(), configuration.trustedProxies(), configuration.ipv6PrefixLength());
    } catch (IllegalArgumentException e) {
      throw configurationError(Setting.CLIENT_IP_HEADERS, e);
    }
  }

  private static ServletException configurationError(Setting setting, IllegalArgumentException cause) {
    String message = "invalid configuration of AnonymousAuthFilter: " + setting.key() + ": " + cause.getMessage();
    LOG.error("{}", message);
    return new ServletException(message, cause);
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)) {
      chain.doFilter(req, res);
      return;
    }
    if (!configuration.authEnabled()) {
      counters.increment("authenticated:none");
      chain.doFilter(request, response);
      return;
    }
    if (isCorsPreflight(request)) {
      chain.doFilter(request, response);
      return;
    }
    Action action = Action.of(request);
    Authentication authentication =
        authenticator.authenticate(request.getHeader("Authorization"), privilegeFor(action));
    if (authentication instanceof Authentication.Authenticated authenticated) {
      counters.increment("authenticated:" + authenticated.method());
      chain.doFilter(request, response);
    } else if (authentication instanceof Authentication.Refused refused) {
      if (refused.status() == 401) {
        response.setHeader("WWW-Authenticate", "Bearer realm=\"apm\"");
      }
      refuse(request, refused.status(), refused.reason(), request.getRemoteAddr());
      ErrorResponses.writeError(request, response, refused.status(), refused.message());
    } else {
      anonymous(request, response, chain, action);
    }
  }

  /** The anonymous path: client → entry token → inspection → event charge → application. */
  private void anonymous(HttpServletRequest request, HttpServletResponse response, FilterChain chain, Action action)
      throws IOException, ServletException {
    ClientAddress client = clientIps.resolve(request);
    RateLimitDecision entry = rateLimiter.admit(client.key());
    if (!entry.allowed()) {
      refuse(request, entry.refusalStatus(), reasonFor(entry), client.key());
      applyRateLimitHeaders(response, entry);
      ErrorResponses.writeError(request, response, entry.refusalStatus(),
          entry.storeUnavailable() ? Messages.RATE_LIMIT_STORE_UNAVAILABLE : Messages.RATE_LIMIT_EXCEEDED_ON_ENTRY);
      return;
    }
    if (action == Action.EVENT_INGEST && !"POST".equals(request.getMethod())) {
      refuse(request, 405, "method_not_allowed", client.key());
      response.setHeader("Allow", "POST");
      ErrorResponses.writeIntakeError(request, response, 405, 0, Messages.ONLY_POST_SUPPORTED, null);
      return;
    }
    Inspection inspection = inspector.inspect(action, request);
    if (inspection instanceof Inspection.Refused refused) {
      refuse(request, refused.status(), reasonFor(refused), client.key());
      if (action == Action.EVENT_INGEST) {
        ErrorResponses.writeIntakeError(request, response, refused.status(), 0, refused.message(), refused.document());
      } else {
        ErrorResponses.writeError(request, response, refused.status(), refused.message());
      }
      return;
    }
    Inspection.Admitted admitted = (Inspection.Admitted) inspection;
    if (admitted.events() > 0) {
      RateLimitDecision charge = rateLimiter.chargeEvents(client.key(), admitted.events());
      if (!charge.allowed()) {
        refuse(request, charge.refusalStatus(), reasonFor(charge), client.key());
        applyRateLimitHeaders(response, charge);
        ErrorResponses.writeIntakeError(request, response, charge.refusalStatus(), 0,
            charge.storeUnavailable() ? Messages.RATE_LIMIT_STORE_UNAVAILABLE : Messages.RATE_LIMIT_EXCEEDED, null);
        return;
      }
    }
    counters.increment("anonymous:allowed");
    chain.doFilter(admitted.request(), response);
  }

  private void refuse(HttpServletRequest request, int status, String reason, String client) {
    counters.increment("refused:" + reason);
    refusalLog.refused(status, reason, client, request.getRequestURI());
  }

  private static void applyRateLimitHeaders(HttpServletResponse response, RateLimitDecision decision) {
    response.setHeader("Retry-After", Long.toString(Math.max(1, decision.retryAfterSeconds())));
    decision.responseHeaders().forEach(response::setHeader);
  }

  private static String reasonFor(RateLimitDecision decision) {
    return decision.storeUnavailable() ? "rate_limit_store_unavailable" : "rate_limited";
  }

  private static String reasonFor(Inspection.Refused refused) {
    return switch (refused.status()) {
      case 403 -> "not_permitted";
      case 413 -> "too_large";
      default -> "malformed";
    };
  }

  /** A browser's CORS preflight carries no credentials by design; the CORS filter or the app answers it. */
  private static boolean isCorsPreflight(HttpServletRequest request) {
    return "OPTIONS".equals(request.getMethod())
        && request.getHeader("Origin") != null
        && request.getHeader("Access-Control-Request-Method") != null;
  }

  /** The API key privilege each APM action needs, as the APM Server maps them. */
  private static Optional<Privilege> privilegeFor(Action action) {
    return switch (action) {
      case EVENT_INGEST -> Optional.of(Privilege.EVENT_WRITE);
      case AGENT_CONFIG -> Optional.of(Privilege.CONFIG_AGENT_READ);
      case SOURCEMAP_UPLOAD -> Optional.of(Privilege.SOURCEMAP_WRITE);
      case UNKNOWN -> Optional.empty();
    };
  }

  private FilterStatus status() {
    Map<String, String> described = configuration.describe();
    return new FilterStatus() {
      @Override
      public Map<String, String> configuration() {
        return described;
      }

      @Override
      public Map<String, Long> decisions() {
        return counters.snapshot();
      }
    };
  }
}
