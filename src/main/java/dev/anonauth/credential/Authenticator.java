package dev.anonauth.credential;

import dev.anonauth.config.FilterConfiguration;
import dev.anonauth.http.Messages;
import java.time.Duration;
import java.util.Optional;

/**
 * The APM Server's authentication decision (REFERENCE §2): auth disabled lets everything through;
 * otherwise {@code Bearer} is checked against the secret token, {@code ApiKey} against the key file,
 * no credentials mean anonymous (when enabled), and any other scheme is refused.
 */
public final class Authenticator {

  /** How often the API key file is checked for changes. */
  static final Duration KEY_FILE_CHECK_INTERVAL = Duration.ofSeconds(1);

  private static final Authentication AUTH_DISABLED = new Authentication.Authenticated("none");
  private static final Authentication SECRET_TOKEN = new Authentication.Authenticated("secret_token");
  private static final Authentication API_KEY = new Authentication.Authenticated("api_key");
  private static final Authentication ANONYMOUS = new Authentication.Anonymous();
  private static final Authentication MISSING =
      new Authentication.Refused(401, Messages.MISSING_CREDENTIALS, "missing_credentials");
  private static final Authentication FAILED =
      new Authentication.Refused(401, Messages.AUTHENTICATION_FAILED, "invalid_credentials");
  private static final Authentication UNAVAILABLE =
      new Authentication.Refused(503, Messages.CREDENTIAL_BACKEND_UNAVAILABLE, "credential_store_unavailable");

  private final boolean authEnabled;
  private final boolean anonymousEnabled;
  private final Optional<SecretToken> secretToken;
  private final Optional<ApiKeyStore> apiKeys;

  private Authenticator(
      boolean authEnabled, boolean anonymousEnabled, Optional<SecretToken> secretToken, Optional<ApiKeyStore> apiKeys) {
    this.authEnabled = authEnabled;
    this.anonymousEnabled = anonymousEnabled;
    this.secretToken = secretToken;
    this.apiKeys = apiKeys;
  }

  /**
   * @throws IllegalArgumentException when the API key file cannot be read or parsed (the message names
   *     the file and every bad line)
   */
  public static Authenticator from(FilterConfiguration configuration) {
    Optional<ApiKeyStore> apiKeys = Optional.empty();
    if (configuration.apiKeyEnabled()) {
      apiKeys = Optional.of(new ApiKeyStore(
          configuration.apiKeyFile().orElseThrow(), KEY_FILE_CHECK_INTERVAL, System::nanoTime));
    }
    return new Authenticator(
        configuration.authEnabled(),
        configuration.anonymousEnabled(),
        configuration.secretToken().map(SecretToken::new),
        apiKeys);
  }

  /** How many API keys are loaded now (0 when API keys are off or the file is unusable). */
  public int apiKeyCount() {
    return apiKeys.map(ApiKeyStore::size).orElse(0);
  }

  /**
   * @param authorizationHeader the {@code Authorization} header, or null
   * @param needed the privilege an API key needs for this request; empty when the request is not one of
   *     the APM actions (then any valid key will do)
   */
  public Authentication authenticate(String authorizationHeader, Optional<Privilege> needed) {
    if (!authEnabled) {
      return AUTH_DISABLED;
    }
    AuthorizationHeader header = AuthorizationHeader.parse(authorizationHeader);
    return switch (header.kind()) {
      case NONE -> anonymousEnabled ? ANONYMOUS : MISSING;
      case BEARER -> secretToken.filter(secret -> secret.matches(header.token())).isPresent() ? SECRET_TOKEN : FAILED;
      case API_KEY -> apiKey(header.token(), needed);
      case UNKNOWN -> new Authentication.Refused(
          401, Messages.unknownAuthenticationHeader(printable(header.rawKind())), "unknown_scheme");
    };
  }

  private Authentication apiKey(String token, Optional<Privilege> needed) {
    if (apiKeys.isEmpty()) {
      return FAILED;
    }
    ApiKeyStore.Check check = apiKeys.get().check(token);
    if (check instanceof ApiKeyStore.Unavailable) {
      return UNAVAILABLE;
    }
    if (!(check instanceof ApiKeyStore.Valid valid)) {
      return FAILED;
    }
    if (needed.isPresent() && !valid.key().privileges().contains(needed.get())) {
      return new Authentication.Refused(
          403, Messages.apiKeyLacksPrivilege(needed.get().wireName()), "api_key_lacks_privilege");
    }
    return API_KEY;
  }

  /** The scheme is echoed to the client: keep it short and printable so it cannot garble the response. */
  private static String printable(String kind) {
    StringBuilder out = new StringBuilder(Math.min(kind.length(), 64));
    for (int i = 0; i < kind.length() && out.length() < 64; i++) {
      char c = kind.charAt(i);
      out.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return out.toString();
  }
}
