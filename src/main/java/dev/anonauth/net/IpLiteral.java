package dev.anonauth.net;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * A strict parser and formatter for IP address literals that never touches DNS.
 *
 * <p>{@link InetAddress#getByName} would happily resolve {@code example.com}, accept {@code 010.1.1.1}
 * and block the request thread on a lookup chosen by the client. Everything here is plain string work,
 * and addresses are built with {@link InetAddress#getByAddress(byte[])} only.
 *
 * <p>What is accepted:
 *
 * <ul>
 *   <li>IPv4: exactly four dot-separated decimal parts, each 0..255. Leading zeros are rejected
 *       ({@code 01.2.3.4}): some stacks read them as octal, others as decimal, so the same text could
 *       mean two clients. Short forms ({@code 1.2.3}, {@code 16909060}) and hex are rejected.
 *   <li>IPv6: RFC 4291 text, case-insensitive hex groups of 1..4 digits, one {@code ::}, an optional
 *       dotted IPv4 tail ({@code ::ffff:1.2.3.4}). Zone ids ({@code fe80::1%eth0}) are rejected in request
 *       data: a scope is local to one host and means nothing as a client identity. {@link #parseRemote}
 *       strips them from the container's own remote address instead.
 *   <li>Anything longer than {@value #MAX_LENGTH} characters is rejected before it is looked at, so the
 *       work per call is bounded whatever the input.
 * </ul>
 *
 * <p>IPv4-mapped IPv6 addresses ({@code ::ffff:10.0.0.1}) become IPv4 addresses: they are the same client.
 */
final class IpLiteral {

  /** The longest literal there is: {@code ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255}. */
  static final int MAX_LENGTH = 45;

  private IpLiteral() {}

  /**
   * Parses an IPv4 or IPv6 literal (no brackets, no port, no zone id).
   *
   * @return the address, IPv4-mapped IPv6 unmapped to IPv4, or {@code null} if {@code text} is not a literal
   */
  static InetAddress parse(String text) {
    byte[] bytes = parseBytes(text);
    return bytes == null ? null : toAddress(bytes);
  }

  /**
   * Parses what a container reports as the TCP peer: {@code 10.0.0.1}, {@code 0:0:0:0:0:0:0:1},
   * {@code ::1}, {@code [::1]} or {@code fe80::1%eth0} (the zone id is dropped).
   *
   * @return the address, or {@code null} if {@code remoteAddr} is null or not an IP literal (never resolved)
   */
  static InetAddress parseRemote(String remoteAddr) {
    if (remoteAddr == null) {
      return null;
    }
    String text = remoteAddr.strip();
    if (text.length() >= 2 && text.charAt(0) == '[' && text.charAt(text.length() - 1) == ']') {
      text = text.substring(1, text.length() - 1);
    }
    int zone = text.indexOf('%');
    if (zone >= 0 && text.indexOf(':') >= 0) {
      text = text.substring(0, zone);
    }
    return parse(text);
  }

  /** The 4 or 16 bytes of a literal (IPv4-mapped addresses still 16), or {@code null}. */
  static byte[] parseBytes(String text) {
    if (text == null || text.isEmpty() || text.length() > MAX_LENGTH) {
      return null;
    }
    if (text.indexOf(':') >= 0) {
      return parseIpv6(text);
    }
    byte[] out = new byte[4];
    return parseIpv4(text, 0, text.length(), out, 0) ? out : null;
  }

  /** Builds the address without DNS; an IPv4-mapped IPv6 address comes back as IPv4. */
  static InetAddress toAddress(byte[] bytes) {
    byte[] raw = isIpv4Mapped(bytes) ? java.util.Arrays.copyOfRange(bytes, 12, 16) : bytes;
    try {
      return InetAddress.getByAddress(raw);
    } catch (UnknownHostException e) {
      // Only thrown for a length other than 4 or 16, which the parser never produces.
      throw new IllegalStateException("not an address: " + raw.length + " bytes", e);
    }
  }

  static boolean isIpv4Mapped(byte[] bytes) {
    if (bytes.length != 16) {
      return false;
    }
    for (int i = 0; i < 10; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
  }

  /**
   * Canonical text: dotted quad for IPv4, RFC 5952 for IPv6 (lower case, no leading zeros, the longest
   * run of two or more zero groups shortened to {@code ::}, the first such run on a tie).
   */
  static String format(byte[] bytes) {
    if (bytes.length == 4) {
      return (bytes[0] & 0xff) + "." + (bytes[1] & 0xff) + "." + (bytes[2] & 0xff) + "." + (bytes[3] & 0xff);
    }
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLength = 1; // a single zero group is not shortened (RFC 5952 §4.2.2)
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int start = i;
      while (i < 8 && groups[i] == 0) {
        i++;
      }
      if (i - start > bestLength) {
        bestStart = start;
        bestLength = i - start;
      }
    }
    StringBuilder text = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        text.append("::");
        i += bestLength - 1;
        continue;
      }
      if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
        text.append(':');
      }
      text.append(Integer.toHexString(groups[i]));
    }
    return text.toString();
  }

  /** Parses {@code text[from, to)} as a dotted quad into {@code out[offset..offset+3]}. */
  private static boolean parseIpv4(String text, int from, int to, byte[] out, int offset) {
    int i = from;
    for (int part = 0; part < 4; part++) {
      if (part > 0) {
        if (i >= to || text.charAt(i) != '.') {
          return false;
        }
        i++;
      }
      int start = i;
      int value = 0;
      while (i < to && isDigit(text.charAt(i))) {
        if (i - start == 3) {
          return false;
        }
        value = value * 10 + (text.charAt(i) - '0');
        i++;
      }
      int digits = i - start;
      if (digits == 0 || (digits > 1 && text.charAt(start) == '0') || value > 255) {
        return false;
      }
      out[offset + part] = (byte) value;
    }
    return i == to;
  }

  private static byte[] parseIpv6(String text) {
    int length = text.length();
    byte[] out = new byte[16];
    int groups = 0;
    int gap = -1; // index of the group where "::" stands, if any
    int i = 0;
    if (text.startsWith("::")) {
      gap = 0;
      i = 2;
    } else if (text.charAt(0) == ':') {
      return null;
    }
    while (i < length) {
      if (groups == 8) {
        return null;
      }
      int start = i;
      int value = 0;
      int digit;
      while (i < length && (digit = hexValue(text.charAt(i))) >= 0) {
        if (i - start == 4) {
          return null;
        }
        value = (value << 4) | digit;
        i++;
      }
      if (i < length && text.charAt(i) == '.') {
        // An IPv4 tail fills the last two groups and must end the literal.
        if (groups > 6 || !parseIpv4(text, start, length, out, 2 * groups)) {
          return null;
        }
        groups += 2;
        break;
      }
      if (i == start) {
        return null;
      }
      out[2 * groups] = (byte) (value >>> 8);
      out[2 * groups + 1] = (byte) value;
      groups++;
      if (i == length) {
        break;
      }
      if (text.charAt(i) != ':') {
        return null; // '%' (zone id), '/', spaces, anything else
      }
      i++;
      if (i < length && text.charAt(i) == ':') {
        if (gap >= 0) {
          return null;
        }
        gap = groups;
        i++;
      } else if (i == length) {
        return null; // a single trailing colon
      }
    }
    if (gap < 0) {
      return groups == 8 ? out : null;
    }
    if (groups == 8) {
      return null; // "::" must stand for at least one group
    }
    int tailBytes = 2 * (groups - gap);
    int moveTo = 16 - tailBytes;
    System.arraycopy(out, 2 * gap, out, moveTo, tailBytes);
    java.util.Arrays.fill(out, 2 * gap, moveTo, (byte) 0);
    return out;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static int hexValue(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }
}
