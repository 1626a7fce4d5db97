package dev.anonauth.credential;

/**
 * The {@code Authorization} header split as the APM Server splits it: at the first space into
 * {@code <kind> <token>}. No header, no space, or a space at position 0 gives an empty kind: the request
 * is treated as carrying no credentials.
 *
 * <p>Unlike the APM Server, the kind is compared case-insensitively ({@code bearer} works), as
 * RFC 9110 §11.1 says authentication schemes are.
 */
record AuthorizationHeader(Kind kind, String rawKind, String token) {

  enum Kind {
    NONE,
    BEARER,
    API_KEY,
    UNKNOWN
  }

  private static final AuthorizationHeader NONE = new AuthorizationHeader(Kind.NONE, "", "");

  static AuthorizationHeader parse(String header) {
    if (header == null) {
      return NONE;
    }
    int space = header.indexOf(' ');
    if (space <= 0) {
      return NONE;
    }
    String rawKind = header.substring(0, space);
    String token = header.substring(space + 1);
    Kind kind =
        kindIs(header, space, "bearer") ? Kind.BEARER : kindIs(header, space, "apikey") ? Kind.API_KEY : Kind.UNKNOWN;
    return new AuthorizationHeader(kind, rawKind, token);
  }

  /**
   * Whether {@code header[0, length)} lower-cases to {@code lower} (ASCII), as
   * {@code toLowerCase(Locale.ROOT).equals(lower)} did, without the copy. Not {@code regionMatches(true, …)}:
   * that also matches U+0131 (dotless i) to {@code i}, which {@code toLowerCase} does not. Per char is exact
   * but for U+0130 (I with dot), which {@link Character#toLowerCase(char)} maps to {@code i} and
   * {@code String.toLowerCase(Locale.ROOT)} to two chars; the other differences (final sigma, surrogate
   * pairs) never yield ASCII. (U+212A, the Kelvin sign, lower-cases to {@code k} both ways.)
   */
  private static boolean kindIs(String header, int length, String lower) {
    if (length != lower.length()) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      char c = header.charAt(i);
      if (c == '\u0130' || Character.toLowerCase(c) != lower.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
