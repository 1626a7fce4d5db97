package dev.anonauth.net;

import java.net.InetAddress;

/**
 * Reads hops (one address each) out of forwarding headers: the elements of RFC 7239 {@code Forwarded}, the
 * entries of {@code X-Forwarded-For}, and single-address headers such as {@code X-Real-Ip}.
 *
 * <p>Every method works on at most {@value #MAX_ENTRY_CHARS} characters per entry, returns {@code null}
 * rather than throwing, and never resolves a name. Whitespace means the HTTP kind only (space and tab):
 * {@code \u200B} or a no-break space around an address makes it invalid, not trimmed.
 */
final class Hops {

  /**
   * The longest element or list entry looked at. A {@code Forwarded} element with {@code for}, {@code by},
   * {@code host} and {@code proto} fits comfortably; anything longer is treated as unparsable.
   */
  static final int MAX_ENTRY_CHARS = 512;

  private Hops() {}

  /**
   * The address in one hop: {@code 192.0.2.60}, {@code 192.0.2.60:47011}, {@code 2001:db8::1},
   * {@code [2001:db8::1]} or {@code [2001:db8::1]:4711}. A port may be decimal (0..65535) or RFC 7239
   * obfuscated ({@code _abc}). Brackets hold IPv6 only; a port needs brackets around IPv6.
   *
   * @return the address, or {@code null} for anything else ({@code unknown}, {@code _hidden}, names)
   */
  static InetAddress hostPort(String hop) {
    if (hop.length() > MAX_ENTRY_CHARS) {
      return null;
    }
    String text = trimOws(hop);
    if (text.isEmpty() || text.length() > IpLiteral.MAX_LENGTH + 2 + 1 + 16) {
      return null;
    }
    byte[] bytes;
    if (text.charAt(0) == '[') {
      int close = text.indexOf(']');
      if (close < 0 || !isEmptyOrPort(text, close + 1)) {
        return null;
      }
      bytes = IpLiteral.parseBytes(text.substring(1, close));
      if (bytes == null || bytes.length != 16) {
        return null;
      }
    } else {
      int colon = text.indexOf(':');
      if (colon >= 0 && text.indexOf(':', colon + 1) < 0) {
        // Exactly one colon: IPv4 with a port (an IPv6 literal has at least two).
        if (!isEmptyOrPort(text, colon) || colon + 1 == text.length()) {
          return null;
        }
        bytes = IpLiteral.parseBytes(text.substring(0, colon));
        if (bytes == null || bytes.length != 4) {
          return null;
        }
      } else {
        bytes = IpLiteral.parseBytes(text);
        if (bytes == null) {
          return null;
        }
      }
    }
    return IpLiteral.toAddress(bytes);
  }

  /**
   * The (unquoted) value of the first {@code for} parameter of one {@code Forwarded} element, e.g.
   * {@code [2001:db8:cafe::17]:4711} from {@code For="[2001:db8:cafe::17]:4711";proto=https}. Pairs are
   * split on {@code ;} outside quotes, keys compare case-insensitively, malformed pairs are skipped.
   *
   * @return the value, or {@code null} if the element has no well-formed {@code for} pair
   */
  static String forwardedFor(String element) {
    if (element.length() > MAX_ENTRY_CHARS) {
      return null;
    }
    int start = 0;
    while (start <= element.length()) {
      int end = indexOf(element, ';', start, element.length(), true);
      if (end < 0) {
        end = element.length();
      }
      String pair = element.substring(start, end);
      int equals = pair.indexOf('=');
      if (equals > 0 && trimOws(pair.substring(0, equals)).equalsIgnoreCase("for")) {
        String value = unquote(trimOws(pair.substring(equals + 1)));
        if (value != null) {
          return value;
        }
      }
      start = end + 1;
    }
    return null;
  }

  /**
   * The first comma-separated entry of {@code line}, or {@code null} if none ends within
   * {@value #MAX_ENTRY_CHARS} characters.
   *
   * @param quoteAware whether commas inside quoted strings are part of the entry ({@code Forwarded})
   */
  static String firstEntry(String line, boolean quoteAware) {
    int comma = indexOf(line, ',', 0, MAX_ENTRY_CHARS + 1, quoteAware);
    int end = comma < 0 ? line.length() : comma;
    return end > MAX_ENTRY_CHARS ? null : line.substring(0, end);
  }

  /**
   * The entries of one header line from right to left. Each call to {@link #previous} looks at no more than
   * {@value #MAX_ENTRY_CHARS} characters; an entry longer than that comes back as {@link #TOO_LONG} and
   * ends the walk.
   */
  static final class FromRight {

    /** Stands for an entry that was too long to look at. */
    static final String TOO_LONG = "\0too long";

    private final String line;
    private final boolean quoteAware;
    private int end; // exclusive end of the next entry to return; -1 once exhausted

    FromRight(String line, boolean quoteAware) {
      this.line = line;
      this.quoteAware = quoteAware;
      this.end = line.length();
    }

    /** The next entry leftwards, or {@code null} when there are none left. */
    String previous() {
      if (end < 0) {
        return null;
      }
      boolean inQuotes = false;
      // Look at up to MAX_ENTRY_CHARS + 1 characters: an entry of exactly MAX_ENTRY_CHARS plus its comma.
      int limit = Math.max(-1, end - MAX_ENTRY_CHARS - 2);
      for (int i = end - 1; i > limit; i--) {
        char c = line.charAt(i);
        if (quoteAware && c == '"' && !(inQuotes && isEscaped(i))) {
          inQuotes = !inQuotes;
        } else if (c == ',' && !inQuotes) {
          String entry = line.substring(i + 1, end);
          end = i;
          return entry;
        }
      }
      if (limit == -1) {
        String entry = line.substring(0, end);
        end = -1;
        return entry;
      }
      end = -1;
      return TOO_LONG;
    }

    /** Whether the quote at {@code index} is preceded by an odd number of backslashes (bounded by the entry). */
    private boolean isEscaped(int index) {
      int backslashes = 0;
      for (int i = index - 1; i >= 0 && line.charAt(i) == '\\' && backslashes <= MAX_ENTRY_CHARS; i--) {
        backslashes++;
      }
      return backslashes % 2 == 1;
    }
  }

  /** Strips HTTP optional whitespace (space, horizontal tab) and nothing else. */
  static String trimOws(String text) {
    int start = 0;
    int end = text.length();
    while (start < end && isOws(text.charAt(start))) {
      start++;
    }
    while (end > start && isOws(text.charAt(end - 1))) {
      end--;
    }
    return text.substring(start, end);
  }

  private static boolean isOws(char c) {
    return c == ' ' || c == '\t';
  }

  /** Whether {@code text} ends at {@code from}, or continues with {@code :port} and nothing else. */
  private static boolean isEmptyOrPort(String text, int from) {
    if (from == text.length()) {
      return true;
    }
    if (text.charAt(from) != ':') {
      return false;
    }
    String port = text.substring(from + 1);
    if (port.isEmpty() || port.length() > 16) {
      return false;
    }
    if (port.charAt(0) == '_') {
      // RFC 7239 obfport: "_" 1*(ALPHA / DIGIT / "." / "_" / "-")
      return port.length() > 1 && port.chars().skip(1).allMatch(Hops::isObfuscatedChar);
    }
    if (port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return false;
    }
    return Integer.parseInt(port) <= 65535;
  }

  private static boolean isObfuscatedChar(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
  }

  /**
   * A token as is, or the content of a quoted string with its escapes removed.
   *
   * @return {@code null} for an empty value or an unterminated or trailing-garbage quoted string
   */
  private static String unquote(String value) {
    if (value.isEmpty()) {
      return null;
    }
    if (value.charAt(0) != '"') {
      return value.indexOf('"') < 0 ? value : null;
    }
    StringBuilder content = new StringBuilder(value.length());
    for (int i = 1; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' && i + 1 < value.length()) {
        content.append(value.charAt(++i));
      } else if (c == '"') {
        return i == value.length() - 1 ? content.toString() : null;
      } else {
        content.append(c);
      }
    }
    return null;
  }

  /**
   * The index of {@code target} in {@code text[from, from + maxChars)}, outside quoted strings if
   * {@code quoteAware}, or -1.
   */
  private static int indexOf(String text, char target, int from, int maxChars, boolean quoteAware) {
    boolean inQuotes = false;
    int end = (int) Math.min(text.length(), (long) from + maxChars);
    for (int i = from; i < end; i++) {
      char c = text.charAt(i);
      if (inQuotes && c == '\\') {
        i++;
      } else if (quoteAware && c == '"') {
        inQuotes = !inQuotes;
      } else if (c == target && !inQuotes) {
        return i;
      }
    }
    return -1;
  }
}
