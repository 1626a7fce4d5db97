package dev.anonauth.credential;

import java.util.Locale;

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
    Kind kind = switch (rawKind.toLowerCase(Locale.ROOT)) {
      case "bearer" -> Kind.BEARER;
      case "apikey" -> Kind.API_KEY;
      default -> Kind.UNKNOWN;
    };
    return new AuthorizationHeader(kind, rawKind, token);
  }
}
