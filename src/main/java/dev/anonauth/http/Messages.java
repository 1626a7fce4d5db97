package dev.anonauth.http;

/**
 * Every message the filter sends to a client, in one place, worded as the APM Server words them
 * so that agents and operators see what they would see there. Tests assert these exactly.
 */
public final class Messages {

  private Messages() {}

  // --- authentication stage: {"error": "..."} ---

  public static final String MISSING_CREDENTIALS =
      "authentication failed: missing or improperly formatted Authorization header: expected"
          + " 'Authorization: Bearer secret_token' or 'Authorization: ApiKey base64(API key ID:API key)'";

  public static final String AUTHENTICATION_FAILED = "authentication failed";

  public static String unknownAuthenticationHeader(String kind) {
    return "authentication failed: unknown Authentication header " + kind
        + ": expected 'Authorization: Bearer secret_token' or 'Authorization: ApiKey base64(API key ID:API key)'";
  }

  public static String apiKeyLacksPrivilege(String privilege) {
    return "unauthorized: API Key not permitted action \"" + privilege + "\"";
  }

  public static final String CREDENTIAL_BACKEND_UNAVAILABLE =
      "service unavailable: the API key store could not be read";

  // --- anonymous authorization: 403 ---

  public static String serviceNotPermitted(String service) {
    return "unauthorized: anonymous access not permitted for service \"" + service + "\"";
  }

  public static String agentNotPermitted(String agent) {
    return "unauthorized: anonymous access not permitted for agent \"" + agent + "\"";
  }

  public static final String SOURCEMAP_UPLOAD_NOT_PERMITTED =
      "unauthorized: anonymous access not permitted for sourcemap uploads";

  public static final String UNKNOWN_ACTION_NOT_PERMITTED =
      "unauthorized: anonymous access not permitted for this endpoint";

  // --- rate limiting: 429 ---

  public static final String RATE_LIMIT_EXCEEDED_ON_ENTRY = "too many requests: rate limit exceeded";

  public static final String RATE_LIMIT_EXCEEDED = "rate limit exceeded";

  // --- method: 405 ---

  public static final String ONLY_POST_SUPPORTED = "only POST requests are supported";

  // --- intake decoding: 400 / 413 ---
  // (the intake package adds its decoding messages below this line)

}
