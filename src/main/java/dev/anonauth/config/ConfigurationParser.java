package dev.anonauth.config;

import dev.anonauth.intake.AnonymousRequestInspector;
import dev.anonauth.net.ClientIpResolver;
import dev.anonauth.net.IpRanges;
import dev.anonauth.ratelimit.AnonymousRateLimiter;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns init-params into a {@link FilterConfiguration}, applying the APM Server's defaults and rules
 * (auth off without credentials, anonymous auto-enabled by {@code rum.enabled}). Every problem is
 * collected before one {@link ConfigurationException} is thrown.
 */
public final class ConfigurationParser {

  static final List<String> DEFAULT_ALLOW_AGENT = List.of("rum-js", "js-base");

  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s)");
  private static final Pattern BYTE_COUNT = Pattern.compile("(\\d{1,12})(B|KiB|MiB|GiB)?");

  private final Map<Setting, String> values = new EnumMap<>(Setting.class);
  private final List<String> problems = new ArrayList<>();

  private ConfigurationParser() {}

  /** Parses init-params, reading {@code ${env:NAME}} references from the process environment. */
  public static FilterConfiguration parse(Map<String, String> initParams) throws ConfigurationException {
    return parse(initParams, System::getenv);
  }

  static FilterConfiguration parse(Map<String, String> initParams, Function<String, String> environment)
      throws ConfigurationException {
    ConfigurationParser parser = new ConfigurationParser();
    parser.collect(initParams, new ValueResolver(environment));
    FilterConfiguration configuration = parser.build();
    if (!parser.problems.isEmpty()) {
      throw new ConfigurationException(parser.problems);
    }
    return configuration;
  }

  /** Maps names to settings (rejecting unknown names and alias clashes) and resolves references. */
  private void collect(Map<String, String> initParams, ValueResolver resolver) {
    Map<Setting, String> givenAs = new EnumMap<>(Setting.class);
    // Sorted so that the problems come out in a stable order, whatever map the container hands us.
    for (Map.Entry<String, String> param : new TreeMap<>(initParams).entrySet()) {
      String name = param.getKey();
      Optional<Setting> setting = Setting.byName(name);
      if (setting.isEmpty()) {
        problems.add("unknown init-param '" + name + "'" + suggestionFor(name) + "; known: " + knownNames());
        continue;
      }
      String previous = givenAs.putIfAbsent(setting.get(), name);
      if (previous != null) {
        problems.add(
            "init-params '" + previous + "' and '" + name + "' set the same setting; give only one of them");
        continue;
      }
      try {
        values.put(setting.get(), resolver.resolve(param.getValue() == null ? "" : param.getValue()));
      } catch (IllegalArgumentException e) {
        problems.add(name + ": " + e.getMessage());
      }
    }
  }

  private FilterConfiguration build() {
    Optional<String> secretToken = secretToken();
    boolean apiKeyEnabled = bool(Setting.API_KEY_ENABLED, false);
    Optional<Path> apiKeyFile = apiKeyFile(apiKeyEnabled);
    boolean rumEnabled = bool(Setting.RUM_ENABLED, false);
    boolean anonymousExplicit = values.containsKey(Setting.ANONYMOUS_ENABLED);
    boolean authEnabled = secretToken.isPresent() || apiKeyEnabled;
    // APM rule: with auth on and RUM on, anonymous access is on unless explicitly turned off.
    boolean anonymousEnabled =
        anonymousExplicit ? bool(Setting.ANONYMOUS_ENABLED, false) : authEnabled && rumEnabled;

    return new FilterConfiguration(
        secretToken,
        apiKeyEnabled,
        apiKeyFile,
        anonymousEnabled,
        anonymousExplicit,
        list(Setting.ALLOW_AGENT, DEFAULT_ALLOW_AGENT),
        list(Setting.ALLOW_SERVICE, List.of()),
        integer(Setting.EVENT_LIMIT, AnonymousRateLimiter.DEFAULT_EVENT_LIMIT, 0, 1_000_000),
        integer(Setting.IP_LIMIT, AnonymousRateLimiter.DEFAULT_IP_LIMIT, 1, 10_000_000),
        duration(Setting.MAX_WAIT, AnonymousRateLimiter.DEFAULT_MAX_WAIT, Duration.ofSeconds(10)),
        integer(Setting.MAX_WAITING_REQUESTS, AnonymousRateLimiter.DEFAULT_MAX_WAITING_REQUESTS, 0, 10_000),
        rumEnabled,
        trustedProxies(),
        clientIpHeaders(),
        integer(Setting.IPV6_PREFIX_LENGTH, ClientIpResolver.DEFAULT_IPV6_PREFIX_LENGTH, 1, 128),
        (int) byteCount(Setting.MAX_EVENT_SIZE, AnonymousRequestInspector.DEFAULT_MAX_EVENT_SIZE, 1024, 100L << 20),
        byteCount(Setting.MAX_REQUEST_SIZE, AnonymousRequestInspector.DEFAULT_MAX_REQUEST_SIZE, 1024, 1L << 30),
        redisStore());
  }

  static final Duration DEFAULT_REDIS_TIMEOUT = Duration.ofMillis(100);
  private static final Pattern REDIS_URL =
      Pattern.compile("rediss?://(?:([^@/?#\\s]*)@)?(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9.-]+)(?::(\\d{1,5}))?(?:/(\\d{1,2})?)?");

  /** The shared store, when {@code store=redis}; redis.* settings without it are a mistake. */
  private Optional<FilterConfiguration.RedisStore> redisStore() {
    String store = values.getOrDefault(Setting.RATE_LIMIT_STORE, "local");
    switch (store.toLowerCase(Locale.ROOT)) {
      case "redis" -> {
        // parsed below
      }
      case "local" -> {
        for (Setting setting :
            List.of(Setting.REDIS_URL, Setting.REDIS_PASSWORD, Setting.REDIS_TIMEOUT, Setting.REDIS_ON_FAILURE)) {
          if (values.containsKey(setting)) {
            problems.add(setting.key() + ": only together with " + Setting.RATE_LIMIT_STORE.key() + "=redis");
          }
        }
        return Optional.empty();
      }
      default -> {
        problem(Setting.RATE_LIMIT_STORE, store, Setting.RATE_LIMIT_STORE.accepted());
        return Optional.empty();
      }
    }
    String url = values.get(Setting.REDIS_URL);
    Optional<String> password = Optional.ofNullable(values.get(Setting.REDIS_PASSWORD)).filter(p -> !p.isEmpty());
    if (url == null || url.isEmpty()) {
      problem(Setting.REDIS_URL, "(not set)", Setting.REDIS_URL.accepted());
    } else {
      Matcher matcher = REDIS_URL.matcher(url);
      if (!matcher.matches() || !validPort(matcher.group(3)) || !validDatabase(matcher.group(4))) {
        // Never echo the URL: it may carry the password.
        problems.add(Setting.REDIS_URL.key() + ": '" + new FilterConfiguration.RedisStore(url, password, DEFAULT_REDIS_TIMEOUT, true).redactedUrl()
            + "' is not accepted; expected " + Setting.REDIS_URL.accepted() + " (port 1-65535, database 0-15)");
      } else if (password.isPresent() && matcher.group(1) != null && matcher.group(1).contains(":")) {
        problems.add(Setting.REDIS_PASSWORD.key() + ": the URL in " + Setting.REDIS_URL.key()
            + " carries a password already; give it in one place only");
      }
    }
    Duration timeout = duration(Setting.REDIS_TIMEOUT, DEFAULT_REDIS_TIMEOUT, Duration.ofSeconds(5));
    if (timeout.isZero()) {
      problem(Setting.REDIS_TIMEOUT, values.get(Setting.REDIS_TIMEOUT), Setting.REDIS_TIMEOUT.accepted());
      timeout = DEFAULT_REDIS_TIMEOUT;
    }
    String onFailure = values.getOrDefault(Setting.REDIS_ON_FAILURE, "local");
    boolean failOpen = true;
    switch (onFailure.toLowerCase(Locale.ROOT)) {
      case "local" -> failOpen = true;
      case "deny" -> failOpen = false;
      default -> problem(Setting.REDIS_ON_FAILURE, onFailure, Setting.REDIS_ON_FAILURE.accepted());
    }
    return Optional.of(new FilterConfiguration.RedisStore(url == null ? "" : url, password, timeout, failOpen));
  }

  private static boolean validPort(String port) {
    return port == null || (Integer.parseInt(port) >= 1 && Integer.parseInt(port) <= 65535);
  }

  private static boolean validDatabase(String database) {
    return database == null || Integer.parseInt(database) <= 15;
  }

  private Optional<String> secretToken() {
    String token = values.get(Setting.SECRET_TOKEN);
    // An empty value is "not set", as in the APM Server's YAML; a reference that resolves to nothing is not
    // (the resolver refuses unset variables), but an empty file or variable is surely a mistake.
    if (token == null || token.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(token);
  }

  private Optional<Path> apiKeyFile(boolean apiKeyEnabled) {
    String location = values.get(Setting.API_KEY_FILE);
    if (location == null || location.isEmpty()) {
      if (apiKeyEnabled) {
        problem(Setting.API_KEY_FILE, "(not set)", "required when auth.api_key.enabled=true: " + Setting.API_KEY_FILE.accepted());
      }
      return Optional.empty();
    }
    try {
      Path path = Path.of(location);
      if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
        problem(Setting.API_KEY_FILE, location, "a readable file (it does not exist or cannot be read)");
        return Optional.empty();
      }
      if (!apiKeyEnabled) {
        problem(Setting.API_KEY_FILE, location, "only together with auth.api_key.enabled=true");
      }
      return Optional.of(path);
    } catch (InvalidPathException e) {
      problem(Setting.API_KEY_FILE, location, Setting.API_KEY_FILE.accepted());
      return Optional.empty();
    }
  }

  private IpRanges trustedProxies() {
    String given = values.getOrDefault(Setting.TRUSTED_PROXIES, "");
    try {
      return IpRanges.parse(given);
    } catch (IllegalArgumentException e) {
      problems.add(Setting.TRUSTED_PROXIES.key() + ": " + e.getMessage());
      return IpRanges.parse("");
    }
  }

  private List<String> clientIpHeaders() {
    String given = values.get(Setting.CLIENT_IP_HEADERS);
    if (given == null) {
      return ClientIpResolver.DEFAULT_HEADERS;
    }
    try {
      return ClientIpResolver.parseHeaderChain(given);
    } catch (IllegalArgumentException e) {
      problems.add(Setting.CLIENT_IP_HEADERS.key() + ": " + e.getMessage());
      return ClientIpResolver.DEFAULT_HEADERS;
    }
  }

  private boolean bool(Setting setting, boolean defaultValue) {
    String given = values.get(setting);
    if (given == null) {
      return defaultValue;
    }
    switch (given.toLowerCase(Locale.ROOT)) {
      case "true":
        return true;
      case "false":
        return false;
      default:
        problem(setting, given, setting.accepted());
        return defaultValue;
    }
  }

  /** A comma-separated list, blanks trimmed, empty entries and duplicates dropped; "" means "empty". */
  private List<String> list(Setting setting, List<String> defaultValue) {
    String given = values.get(setting);
    if (given == null) {
      return defaultValue;
    }
    LinkedHashSet<String> entries = new LinkedHashSet<>();
    for (String entry : given.split(",", -1)) {
      String name = entry.strip();
      if (!name.isEmpty()) {
        entries.add(name);
      }
    }
    return List.copyOf(entries);
  }

  private int integer(Setting setting, int defaultValue, int min, int max) {
    String given = values.get(setting);
    if (given == null) {
      return defaultValue;
    }
    try {
      int value = Integer.parseInt(given);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below, with what is accepted
    }
    problem(setting, given, setting.accepted());
    return defaultValue;
  }

  private Duration duration(Setting setting, Duration defaultValue, Duration max) {
    String given = values.get(setting);
    if (given == null) {
      return defaultValue;
    }
    Matcher matcher = DURATION.matcher(given);
    if (matcher.matches()) {
      long amount = Long.parseLong(matcher.group(1));
      Duration value = matcher.group(2).equals("ms") ? Duration.ofMillis(amount) : Duration.ofSeconds(amount);
      if (value.compareTo(max) <= 0) {
        return value;
      }
    }
    problem(setting, given, setting.accepted());
    return defaultValue;
  }

  private long byteCount(Setting setting, long defaultValue, long min, long max) {
    String given = values.get(setting);
    if (given == null) {
      return defaultValue;
    }
    Matcher matcher = BYTE_COUNT.matcher(given);
    if (matcher.matches()) {
      long amount = Long.parseLong(matcher.group(1));
      String unit = matcher.group(2) == null ? "B" : matcher.group(2);
      int shift = switch (unit) {
        case "KiB" -> 10;
        case "MiB" -> 20;
        case "GiB" -> 30;
        default -> 0;
      };
      if (amount <= (max >> shift)) {
        long value = amount << shift;
        if (value >= min) {
          return value;
        }
      }
    }
    problem(setting, given, setting.accepted());
    return defaultValue;
  }

  private void problem(Setting setting, String given, String accepted) {
    problems.add(setting.key() + ": '" + given + "' is not accepted; expected " + accepted);
  }

  private static String suggestionFor(String name) {
    String canonical = name.startsWith(Setting.APM_SERVER_PREFIX) ? name.substring(Setting.APM_SERVER_PREFIX.length()) : name;
    Setting closest = null;
    int best = Integer.MAX_VALUE;
    for (Setting setting : Setting.values()) {
      int distance = editDistance(canonical, setting.key());
      if (distance < best) {
        best = distance;
        closest = setting;
      }
    }
    return closest != null && best <= 3 ? " (did you mean '" + closest.key() + "'?)" : "";
  }

  private static String knownNames() {
    return String.join(", ", Arrays.stream(Setting.values()).map(Setting::key).toList());
  }

  /** Levenshtein distance, bounded to short strings: init-param names. */
  private static int editDistance(String a, String b) {
    if (a.length() > 200 || b.length() > 200) {
      return Integer.MAX_VALUE;
    }
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
