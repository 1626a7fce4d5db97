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

  /** The body is empty (the APM Server answers 202 with nothing accepted; the filter refuses it). */
  public static final String EMPTY_BODY = "empty body";

  /** The body ends on the metadata line (no newline, nothing after it), as the APM Server reports it. */
  public static final String EOF_WHILE_READING_METADATA = "EOF while reading metadata";

  /** The first line is neither {@code {"metadata":…}} nor {@code {"m":…}}. */
  public static final String METADATA_REQUIRED = "\"metadata\" or \"m\" required";

  /** A line longer than the permitted event size (APM wording; APM answers 400 for it). */
  public static final String EVENT_TOO_LARGE = "event exceeded the permitted size";

  /** The body, raw or decompressed, exceeds the permitted request size (413). */
  public static final String REQUEST_TOO_LARGE = "request body too large";

  /** A line that is not exactly one well-formed JSON object. */
  public static final String INVALID_JSON = "data read error: invalid JSON";

  /** A line nested deeper than the parser permits. */
  public static final String JSON_TOO_DEEP = "data read error: JSON nesting too deep";

  /** A service/agent name that is not a string, or a service/agent/context that is not an object. */
  public static final String INVALID_SERVICE_FIELD =
      "data read error: service and agent must be objects and their names strings";

  /** The body stopped before its end (client went away, early EOF, read timeout). */
  public static final String BODY_READ_FAILED = "data read error: the request body ended early or could not be read";

  /** Agent configuration asked for without a service name (APM wording). */
  public static final String SERVICE_NAME_REQUIRED = "service.name is required";

  /** Agent configuration POST body that is not a JSON object (APM wording). */
  public static final String INVALID_QUERY = "invalid query";

  /** An event line whose type (its first key) is not one the APM Server knows; APM wording. */
  public static String unrecognizedObjectType(String key) {
    return "did not recognize object type: " + goQuote(key);
  }

  /** A compressed body that cannot be decompressed; {@code detail} as Go words it, e.g. {@code gzip: invalid header}. */
  public static String dataDecodingError(String detail) {
    return "data decoding error: " + detail;
  }

  /** A {@code Content-Encoding} other than gzip, deflate or identity. */
  public static String unsupportedContentEncoding(String encoding) {
    return "unsupported Content-Encoding " + goQuote(encoding) + ": expected gzip, deflate or none";
  }

  /** Quotes like Go's {@code %q}: printable characters kept, controls escaped; long values cut at 128 chars. */
  static String goQuote(String value) {
    StringBuilder out = new StringBuilder(Math.min(value.length(), 128) + 2).append('"');
    for (int i = 0; i < value.length() && i < 128; i++) {
      char c = value.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c == '\t') {
        out.append("\\t");
      } else if (c == '\r') {
        out.append("\\r");
      } else if (c >= 0x20 && c != 0x7f && !Character.isISOControl(c) && !Character.isSurrogate(c)
          && Character.isDefined(c)) {
        out.append(c);
      } else {
        out.append(String.format("\\u%04x", (int) c));
      }
    }
    if (value.length() > 128) {
      out.append("...");
    }
    return out.append('"').toString();
  }

}
