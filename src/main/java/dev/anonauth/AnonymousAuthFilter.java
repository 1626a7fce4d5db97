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
import dev.anonauth.metrics.FilterMetrics;
import dev.anonauth.metrics.LimitedClient;
import dev.anonauth.metrics.Outcome;
import dev.anonauth.metrics.RateLimitFigures;
import dev.anonauth.net.ClientAddress;
import dev.anonauth.net.ClientIpResolver;
import dev.anonauth.otlp.OtlpResponses;
import dev.anonauth.ratelimit.AnonymousRateLimiter;
import dev.anonauth.ratelimit.RateLimitDecision;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
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
 *
 * <p>Every decision is counted (see {@link FilterMetrics}): published as an MBean
 * {@code dev.anonauth:type=AnonymousAuthFilter,context=…,name=…}, as Micrometer meters
 * {@code anonauth.*} when Micrometer is on the class path, in a summary logged at most once a minute
 * while requests are refused, and in the {@link FilterStatus}. {@link #destroy} removes them.
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
  private FilterMetrics metrics;
  private ServletContext servletContext;
  private String statusAttribute;
  private final RefusalLog refusalLog = new RefusalLog(LOG, 20, System::nanoTime);
  private final FilterMetrics.Clock clock;
  private final Logger summaryLog;

  public AnonymousAuthFilter() {
    this(FilterMetrics.Clock.SYSTEM, LOG);
  }

  /** With the metrics' clock and the summary's logger injected, for tests. */
  AnonymousAuthFilter(FilterMetrics.Clock clock, Logger summaryLog) {
    this.clock = clock;
    this.summaryLog = summaryLog;
  }

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
    servletContext = filterConfig.getServletContext();
    try {
      metrics = FilterMetrics.start(filterConfig.getFilterName(), servletContext.getContextPath(),
          servletContext.getAttribute(FilterMetrics.METER_REGISTRY_ATTRIBUTE), RateLimitFigures.of(rateLimiter),
          summaryLog, clock);
    } catch (IllegalArgumentException e) {
      LOG.error("{}", e.getMessage());
      throw new ServletException(e.getMessage(), e);
    }
    statusAttribute = STATUS_ATTRIBUTE_PREFIX + filterConfig.getFilterName();
    servletContext.setAttribute(statusAttribute, status());
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
      metrics.decided(Outcome.AUTH_DISABLED, null);
      chain.doFilter(request, response);
      return;
    }
    if (isCorsPreflight(request)) {
      metrics.decided(Outcome.CORS_PREFLIGHT, null);
      chain.doFilter(request, response);
      return;
    }
    Action action = Action.of(request);
    Authentication authentication =
        authenticator.authenticate(request.getHeader("Authorization"), privilegeFor(action));
    if (authentication instanceof Authentication.Authenticated authenticated) {
      metrics.decided(Outcome.authenticated(authenticated.method()), null);
      chain.doFilter(request, response);
    } else if (authentication instanceof Authentication.Refused refused) {
      if (refused.status() == 401) {
        response.setHeader("WWW-Authenticate", "Bearer realm=\"apm\"");
      }
      refuse(request, refused.status(), Outcome.refusedFor(refused.reason()), null);
      writeError(action, request, response, refused.status(), refused.message());
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
      refuse(request, entry.refusalStatus(), outcomeFor(entry, Outcome.RATE_LIMITED_ENTRY), client.key());
      applyRateLimitHeaders(response, entry);
      writeError(action, request, response, entry.refusalStatus(),
          entry.storeUnavailable() ? Messages.RATE_LIMIT_STORE_UNAVAILABLE : Messages.RATE_LIMIT_EXCEEDED_ON_ENTRY);
      return;
    }
    if ((action == Action.EVENT_INGEST || action == Action.OTLP_INGEST) && !"POST".equals(request.getMethod())) {
      refuse(request, 405, Outcome.METHOD_NOT_ALLOWED, client.key());
      response.setHeader("Allow", "POST");
      writeIntakeError(action, request, response, 405, Messages.ONLY_POST_SUPPORTED, null);
      return;
    }
    Inspection inspection = inspector.inspect(action, request);
    if (inspection instanceof Inspection.Refused refused) {
      refuse(request, refused.status(), Outcome.refusedFor(refused.reason()), client.key());
      if (action == Action.EVENT_INGEST || action == Action.OTLP_INGEST) {
        writeIntakeError(action, request, response, refused.status(), refused.message(), refused.document());
      } else {
        writeError(action, request, response, refused.status(), refused.message());
      }
      return;
    }
    Inspection.Admitted admitted = (Inspection.Admitted) inspection;
    if (admitted.events() > 0) {
      RateLimitDecision charge = rateLimiter.chargeEvents(client.key(), admitted.events());
      if (!charge.allowed()) {
        metrics.eventsRefused(admitted.events());
        refuse(request, charge.refusalStatus(), outcomeFor(charge, Outcome.RATE_LIMITED_EVENTS), client.key());
        applyRateLimitHeaders(response, charge);
        writeIntakeError(action, request, response, charge.refusalStatus(),
            charge.storeUnavailable() ? Messages.RATE_LIMIT_STORE_UNAVAILABLE : Messages.RATE_LIMIT_EXCEEDED, null);
        return;
      }
    }
    metrics.eventsAdmitted(admitted.events());
    metrics.decided(Outcome.ANONYMOUS_ALLOWED, client.key());
    chain.doFilter(admitted.request(), response);
  }

  /** Counts and logs a refusal; {@code client} is the rate-limit key, {@code null} before it is known. */
  private void refuse(HttpServletRequest request, int status, Outcome outcome, String client) {
    metrics.decided(outcome, client);
    refusalLog.refused(status, outcome.reason(), client == null ? request.getRemoteAddr() : client,
        request.getRequestURI());
  }

  /** OTLP clients get a {@code google.rpc.Status} in their request's encoding; the others the APM Server's JSON. */
  private static void writeError(
      Action action, HttpServletRequest request, HttpServletResponse response, int status, String message)
      throws IOException {
    if (action == Action.OTLP_INGEST) {
      OtlpResponses.writeStatus(request, response, status, message, false);
    } else {
      ErrorResponses.writeError(request, response, status, message);
    }
  }

  private static void writeIntakeError(Action action, HttpServletRequest request, HttpServletResponse response,
      int status, String message, String document) throws IOException {
    if (action == Action.OTLP_INGEST) {
      OtlpResponses.writeStatus(request, response, status, message, true);
    } else {
      ErrorResponses.writeIntakeError(request, response, status, 0, message, document);
    }
  }

  private static void applyRateLimitHeaders(HttpServletResponse response, RateLimitDecision decision) {
    response.setHeader("Retry-After", Long.toString(Math.max(1, decision.retryAfterSeconds())));
    decision.responseHeaders().forEach(response::setHeader);
  }

  private static Outcome outcomeFor(RateLimitDecision decision, Outcome limited) {
    return decision.storeUnavailable() ? Outcome.RATE_LIMIT_STORE_UNAVAILABLE : limited;
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
      case EVENT_INGEST, OTLP_INGEST -> Optional.of(Privilege.EVENT_WRITE);
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
        return metrics.decisions();
      }

      @Override
      public Map<String, Long> events() {
        Map<String, Long> events = new LinkedHashMap<>();
        events.put("admitted", metrics.eventsAdmitted());
        events.put("refused", metrics.eventsRefused());
        return events;
      }

      @Override
      public Map<String, Number> rateLimit() {
        RateLimitFigures figures = metrics.rateLimit();
        Map<String, Number> rate = new LinkedHashMap<>();
        rate.put("clients", figures.trackedClients());
        rate.put("capacity", figures.capacity());
        rate.put("hand_overs", figures.handOvers());
        rate.put("waiting_requests", figures.waitingRequests());
        rate.put("waits", figures.waits());
        rate.put("wait_seconds", figures.waitedNanos() / 1e9);
        return rate;
      }

      @Override
      public List<LimitedClient> recentlyLimited() {
        return metrics.recentlyLimited();
      }
    };
  }

  /** Removes the MBean, the Micrometer meters and the status attribute. */
  @Override
  public void destroy() {
    if (metrics != null) {
      metrics.close();
    }
    if (rateLimiter != null) {
      rateLimiter.close(); // the Redis connection, when there is one
    }
    if (servletContext != null && statusAttribute != null) {
      servletContext.removeAttribute(statusAttribute);
    }
  }

  /** This instance's figures (for tests in this package). */
  FilterMetrics metrics() {
    return metrics;
  }
}
