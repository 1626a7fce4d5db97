package dev.anonauth.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigurationParserTest {

  private static final Map<String, String> ENV = Map.of("APM_TOKEN", "s3cr3t", "EMPTY", "");

  private static FilterConfiguration parse(Map<String, String> params) throws ConfigurationException {
    return ConfigurationParser.parse(params, ENV::get);
  }

  private static ConfigurationException failure(Map<String, String> params) {
    return assertThrows(ConfigurationException.class, () -> parse(params));
  }

  private static Map<String, String> params(String... keyValues) {
    Map<String, String> map = new HashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      map.put(keyValues[i], keyValues[i + 1]);
    }
    return map;
  }

  @Test
  void parse_noParams_authDisabledWithApmDefaults() throws Exception {
    FilterConfiguration config = parse(Map.of());
    assertFalse(config.authEnabled());
    assertFalse(config.anonymousEnabled());
    assertEquals(List.of("rum-js", "js-base"), config.allowAgent());
    assertEquals(List.of(), config.allowService());
    assertEquals(300, config.eventLimit());
    assertEquals(1000, config.ipLimit());
    assertEquals(307_200, config.maxEventSize());
    assertEquals(List.of("Forwarded", "X-Real-Ip", "X-Forwarded-For"), config.clientIpHeaders());
    assertTrue(config.trustedProxies().isEmpty());
  }

  @Test
  void parse_secretToken_enablesAuth() throws Exception {
    FilterConfiguration config = parse(params("auth.secret_token", "abc"));
    assertTrue(config.authEnabled());
    assertEquals(Optional.of("abc"), config.secretToken());
    assertFalse(config.anonymousEnabled());
  }

  @Test
  void parse_emptySecretToken_meansNotSet() throws Exception {
    assertFalse(parse(params("auth.secret_token", "")).authEnabled());
  }

  @Test
  void parse_rumEnabledWithAuth_autoEnablesAnonymous() throws Exception {
    FilterConfiguration config = parse(params("auth.secret_token", "abc", "rum.enabled", "true"));
    assertTrue(config.anonymousEnabled());
    assertFalse(config.anonymousExplicit());
  }

  @Test
  void parse_rumEnabledButAnonymousExplicitlyFalse_explicitWins() throws Exception {
    FilterConfiguration config =
        parse(params("auth.secret_token", "abc", "rum.enabled", "true", "auth.anonymous.enabled", "false"));
    assertFalse(config.anonymousEnabled());
  }

  @Test
  void parse_rumEnabledWithoutAuth_doesNotAutoEnable() throws Exception {
    assertFalse(parse(params("rum.enabled", "true")).anonymousEnabled());
  }

  @Test
  void parse_anonymousExplicitlyTrueWithoutRum_enabled() throws Exception {
    assertTrue(parse(params("auth.secret_token", "abc", "auth.anonymous.enabled", "TRUE")).anonymousEnabled());
  }

  @Test
  void parse_apmServerPrefixedAlias_accepted() throws Exception {
    FilterConfiguration config = parse(params(
        "apm-server.auth.secret_token", "abc", "apm-server.auth.anonymous.rate_limit.event_limit", "10"));
    assertTrue(config.authEnabled());
    assertEquals(10, config.eventLimit());
  }

  @Test
  void parse_aliasAndCanonicalTogether_throws() {
    ConfigurationException e = failure(params("apm-server.auth.secret_token", "a", "auth.secret_token", "b"));
    assertEquals(
        List.of("init-params 'apm-server.auth.secret_token' and 'auth.secret_token' set the same setting; give only one of them"),
        e.problems());
  }

  @Test
  void parse_typoInName_throwsWithSuggestion() {
    ConfigurationException e = failure(params("auth.anonymous.allow_agents", "rum-js"));
    assertEquals(1, e.problems().size());
    assertTrue(e.problems().get(0).startsWith(
        "unknown init-param 'auth.anonymous.allow_agents' (did you mean 'auth.anonymous.allow_agent'?); known: auth.secret_token,"),
        e.problems().get(0));
  }

  @ParameterizedTest
  @ValueSource(strings = {"rum.enable", "client_ip.trusted_proxy", "intake.max_events", "foo", "apm-server.bogus"})
  void parse_unknownName_throws(String name) {
    ConfigurationException e = failure(params(name, "x"));
    assertTrue(e.getMessage().contains("unknown init-param '" + name + "'"), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "auth.anonymous.enabled|maybe|auth.anonymous.enabled: 'maybe' is not accepted; expected true or false",
      "auth.api_key.enabled|1|auth.api_key.enabled: '1' is not accepted; expected true or false",
      "rum.enabled|yes|rum.enabled: 'yes' is not accepted; expected true or false",
      "auth.anonymous.rate_limit.event_limit|-1|auth.anonymous.rate_limit.event_limit: '-1' is not accepted; expected an integer from 0 to 1000000 (events per second per client)",
      "auth.anonymous.rate_limit.event_limit|3.5|auth.anonymous.rate_limit.event_limit: '3.5' is not accepted; expected an integer from 0 to 1000000 (events per second per client)",
      "auth.anonymous.rate_limit.ip_limit|0|auth.anonymous.rate_limit.ip_limit: '0' is not accepted; expected an integer from 1 to 10000000 (clients tracked)",
      "auth.anonymous.rate_limit.ip_limit|99999999999|auth.anonymous.rate_limit.ip_limit: '99999999999' is not accepted; expected an integer from 1 to 10000000 (clients tracked)",
      "auth.anonymous.rate_limit.max_wait|1|auth.anonymous.rate_limit.max_wait: '1' is not accepted; expected a duration from 0ms to 10s, e.g. 1s or 250ms",
      "auth.anonymous.rate_limit.max_wait|11s|auth.anonymous.rate_limit.max_wait: '11s' is not accepted; expected a duration from 0ms to 10s, e.g. 1s or 250ms",
      "auth.anonymous.rate_limit.max_waiting_requests|-5|auth.anonymous.rate_limit.max_waiting_requests: '-5' is not accepted; expected an integer from 0 to 10000 (0 = never wait)",
      "client_ip.ipv6_prefix_length|129|client_ip.ipv6_prefix_length: '129' is not accepted; expected an integer from 1 to 128",
      "client_ip.ipv6_prefix_length|0|client_ip.ipv6_prefix_length: '0' is not accepted; expected an integer from 1 to 128",
      "intake.max_event_size|1|intake.max_event_size: '1' is not accepted; expected a byte count from 1024 to 104857600, e.g. 307200 or 300KiB",
      "intake.max_request_size|2GiB|intake.max_request_size: '2GiB' is not accepted; expected a byte count from 1024 to 1073741824, e.g. 10MiB",
      "intake.max_request_size|10 MB|intake.max_request_size: '10 MB' is not accepted; expected a byte count from 1024 to 1073741824, e.g. 10MiB",
  })
  void parse_badValue_throwsNamingParamAndAcceptedValues(String name, String value, String expected) {
    assertEquals(List.of(expected), failure(params(name, value)).problems());
  }

  @Test
  void parse_severalBadValues_reportsEveryOne() {
    ConfigurationException e = failure(params(
        "auth.anonymous.enabled", "maybe",
        "auth.anonymous.rate_limit.event_limit", "-1",
        "auth.anonymous.rate_limit.ip_limit", "0",
        "auth.anonymous.allow_agents", "x"));
    assertEquals(4, e.problems().size(), e.getMessage());
    assertTrue(e.getMessage().startsWith("invalid configuration of AnonymousAuthFilter (4 problems):"));
  }

  @Test
  void parse_sizesAndDurationsWithUnits_converted() throws Exception {
    FilterConfiguration config = parse(params(
        "intake.max_request_size", "2MiB", "intake.max_event_size", "300KiB",
        "auth.anonymous.rate_limit.max_wait", "250ms"));
    assertEquals(2L << 20, config.maxRequestSize());
    assertEquals(300 * 1024, config.maxEventSize());
    assertEquals(Duration.ofMillis(250), config.maxWait());
  }

  @Test
  void parse_listsTrimmedAndDeduplicated() throws Exception {
    FilterConfiguration config = parse(params(
        "auth.anonymous.allow_agent", " rum-js ,js-base,, rum-js ", "auth.anonymous.allow_service", "checkout"));
    assertEquals(List.of("rum-js", "js-base"), config.allowAgent());
    assertEquals(List.of("checkout"), config.allowService());
  }

  @Test
  void parse_emptyAllowAgent_meansAnyAgent() throws Exception {
    assertEquals(List.of(), parse(params("auth.anonymous.allow_agent", "")).allowAgent());
  }

  @Test
  void parse_envReference_readsEnvironment() throws Exception {
    assertEquals(Optional.of("s3cr3t"), parse(params("auth.secret_token", "${env:APM_TOKEN}")).secretToken());
  }

  @Test
  void parse_unsetEnvReference_throws() {
    assertEquals(
        List.of("auth.secret_token: environment variable NOPE is not set"),
        failure(params("auth.secret_token", "${env:NOPE}")).problems());
  }

  @Test
  void parse_envReferenceToEmptyValue_throwsRatherThanDisablingAuth() {
    assertEquals(
        List.of("auth.secret_token: ${env:EMPTY} resolved to an empty value"),
        failure(params("auth.secret_token", "${env:EMPTY}")).problems());
  }

  @Test
  void parse_fileReference_readsTrimmedContent(@TempDir Path dir) throws Exception {
    Path secret = Files.writeString(dir.resolve("token"), "  from-file\n");
    assertEquals(Optional.of("from-file"), parse(params("auth.secret_token", "${file:" + secret + "}")).secretToken());
  }

  @Test
  void parse_missingFileReference_throws(@TempDir Path dir) {
    Path missing = dir.resolve("absent");
    assertEquals(
        List.of("auth.secret_token: file " + missing + " cannot be read (NoSuchFileException)"),
        failure(params("auth.secret_token", "${file:" + missing + "}")).problems());
  }

  @ParameterizedTest
  @ValueSource(strings = {"${vault:x}", "${env:X", "${}", "${env:}"})
  void parse_malformedReference_throws(String value) {
    ConfigurationException e = failure(params("auth.secret_token", value));
    assertTrue(e.problems().get(0).startsWith("auth.secret_token: "), e.getMessage());
  }

  @Test
  void parse_apiKeysEnabledWithoutFile_throws() {
    ConfigurationException e = failure(params("auth.api_key.enabled", "true"));
    assertEquals(1, e.problems().size());
    assertTrue(e.problems().get(0).startsWith("auth.api_key.file: '(not set)' is not accepted; expected required when"));
  }

  @Test
  void parse_apiKeyFileMissing_throws(@TempDir Path dir) {
    ConfigurationException e =
        failure(params("auth.api_key.enabled", "true", "auth.api_key.file", dir.resolve("keys").toString()));
    assertTrue(e.problems().get(0).contains("a readable file"), e.getMessage());
  }

  @Test
  void parse_badTrustedProxies_throwsNamingParam() {
    ConfigurationException e = failure(params("client_ip.trusted_proxies", "10.0.0.0/8, 10.0.0.0/33, proxy.example"));
    assertEquals(1, e.problems().size());
    String problem = e.problems().get(0);
    assertTrue(problem.startsWith("client_ip.trusted_proxies: "), problem);
    assertTrue(problem.contains("10.0.0.0/33") && problem.contains("proxy.example"), problem);
  }

  @Test
  void parse_trustedProxies_parsed() throws Exception {
    FilterConfiguration config = parse(params("client_ip.trusted_proxies", "10.0.0.0/8, ::1"));
    assertFalse(config.trustedProxies().isEmpty());
  }

  @Test
  void describe_neverShowsTheSecret() throws Exception {
    FilterConfiguration config = parse(params("auth.secret_token", "do-not-print-me"));
    assertFalse(config.toString().contains("do-not-print-me"));
    assertEquals("(set)", config.describe().get("auth.secret_token"));
  }

  @Test
  void parse_noStore_localByDefault() throws Exception {
    FilterConfiguration config = parse(params());
    assertEquals(Optional.empty(), config.redis());
    assertEquals("local", config.describe().get("auth.anonymous.rate_limit.store"));
  }

  @Test
  void parse_redisStore_defaultsTimeout100msAndFailOpen() throws Exception {
    FilterConfiguration config = parse(params(
        "auth.anonymous.rate_limit.store", "redis", "auth.anonymous.rate_limit.redis.url", "redis://cache:6380/2"));
    FilterConfiguration.RedisStore redis = config.redis().orElseThrow();
    assertEquals("redis://cache:6380/2", redis.url());
    assertEquals(Duration.ofMillis(100), redis.timeout());
    assertTrue(redis.failOpen());
    assertEquals(Optional.empty(), redis.password());
  }

  @Test
  void parse_redisStoreFullySet_parsed() throws Exception {
    FilterConfiguration config = parse(params(
        "auth.anonymous.rate_limit.store", "redis",
        "auth.anonymous.rate_limit.redis.url", "rediss://[::1]:6379",
        "auth.anonymous.rate_limit.redis.password", "${env:APM_TOKEN}",
        "auth.anonymous.rate_limit.redis.timeout", "250ms",
        "auth.anonymous.rate_limit.redis.on_failure", "deny"));
    FilterConfiguration.RedisStore redis = config.redis().orElseThrow();
    assertEquals(Optional.of("s3cr3t"), redis.password());
    assertEquals(Duration.ofMillis(250), redis.timeout());
    assertFalse(redis.failOpen());
  }

  @Test
  void describe_redisPassword_neverShown() throws Exception {
    FilterConfiguration config = parse(params(
        "auth.anonymous.rate_limit.store", "redis",
        "auth.anonymous.rate_limit.redis.url", "redis://:hunter2@cache:6379/0"));
    assertFalse(config.toString().contains("hunter2"), config.toString());
    assertEquals("redis://:***@cache:6379/0", config.describe().get("auth.anonymous.rate_limit.redis.url"));
    assertFalse(config.redis().orElseThrow().toString().contains("hunter2"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "auth.anonymous.rate_limit.store|memcached|auth.anonymous.rate_limit.store: 'memcached' is not accepted; expected local or redis",
      "auth.anonymous.rate_limit.redis.url|http://cache:6379|auth.anonymous.rate_limit.redis.url: 'http://cache:6379' is not accepted; expected redis://[[user]:password@]host[:port][/database] or rediss://... (TLS); required with store=redis (port 1-65535, database 0-15)",
      "auth.anonymous.rate_limit.redis.url|redis://cache:99999|auth.anonymous.rate_limit.redis.url: 'redis://cache:99999' is not accepted; expected redis://[[user]:password@]host[:port][/database] or rediss://... (TLS); required with store=redis (port 1-65535, database 0-15)",
      "auth.anonymous.rate_limit.redis.url|redis://cache/16|auth.anonymous.rate_limit.redis.url: 'redis://cache/16' is not accepted; expected redis://[[user]:password@]host[:port][/database] or rediss://... (TLS); required with store=redis (port 1-65535, database 0-15)",
      "auth.anonymous.rate_limit.redis.timeout|0ms|auth.anonymous.rate_limit.redis.timeout: '0ms' is not accepted; expected a duration from 1ms to 5s, e.g. 100ms",
      "auth.anonymous.rate_limit.redis.timeout|6s|auth.anonymous.rate_limit.redis.timeout: '6s' is not accepted; expected a duration from 1ms to 5s, e.g. 100ms",
      "auth.anonymous.rate_limit.redis.on_failure|open|auth.anonymous.rate_limit.redis.on_failure: 'open' is not accepted; expected local (decide on this node's buckets while Redis is unreachable) or deny (answer 503)",
  })
  void parse_badRedisValue_throwsNamingParamAndAcceptedValues(String name, String value, String expected) {
    Map<String, String> params = params("auth.anonymous.rate_limit.store", "redis", "auth.anonymous.rate_limit.redis.url", "redis://cache");
    params.put(name, value);
    assertEquals(List.of(expected), failure(params).problems());
  }

  @Test
  void parse_badRedisUrlWithPassword_messageHidesPassword() {
    ConfigurationException e = failure(params(
        "auth.anonymous.rate_limit.store", "redis", "auth.anonymous.rate_limit.redis.url", "redis://:hunter2@cache:0"));
    assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
  }

  @Test
  void parse_redisStoreWithoutUrl_throws() {
    assertEquals(
        List.of("auth.anonymous.rate_limit.redis.url: '(not set)' is not accepted; expected "
            + "redis://[[user]:password@]host[:port][/database] or rediss://... (TLS); required with store=redis"),
        failure(params("auth.anonymous.rate_limit.store", "redis")).problems());
  }

  @Test
  void parse_passwordInUrlAndAsParam_throws() {
    ConfigurationException e = failure(params(
        "auth.anonymous.rate_limit.store", "redis",
        "auth.anonymous.rate_limit.redis.url", "redis://:a@cache",
        "auth.anonymous.rate_limit.redis.password", "b"));
    assertEquals(List.of("auth.anonymous.rate_limit.redis.password: the URL in auth.anonymous.rate_limit.redis.url "
        + "carries a password already; give it in one place only"), e.problems());
  }

  @Test
  void parse_redisSettingsWithLocalStore_everyOneReported() {
    ConfigurationException e = failure(params(
        "auth.anonymous.rate_limit.redis.url", "redis://cache",
        "auth.anonymous.rate_limit.redis.on_failure", "deny"));
    assertEquals(List.of(
        "auth.anonymous.rate_limit.redis.url: only together with auth.anonymous.rate_limit.store=redis",
        "auth.anonymous.rate_limit.redis.on_failure: only together with auth.anonymous.rate_limit.store=redis"),
        e.problems());
  }
}
