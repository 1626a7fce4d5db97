package dev.anonauth.net;

import jakarta.servlet.http.HttpServletRequest;
import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Finds the client address of a request, which per-client rate limits are keyed on.
 *
 * <h2>Without trusted proxies (the APM Server's behaviour)</h2>
 *
 * The headers of {@code client_ip.headers} are tried in order (default {@code Forwarded, X-Real-Ip,
 * X-Forwarded-For}); the first that yields a valid IP literal wins, otherwise the TCP peer address is used:
 *
 * <ul>
 *   <li>{@code Forwarded} (RFC 7239): the {@code for} parameter of the first element of the first header
 *       line. Quoted values, bracketed IPv6 and ports are understood; {@code unknown}, obfuscated
 *       identifiers ({@code _hidden}) and names such as {@code client.invalid} yield nothing.
 *   <li>{@code X-Real-Ip}: one address, optionally with {@code :port} (IPv4) or as {@code [v6]:port}.
 *   <li>{@code X-Forwarded-For} and any other header ({@code True-Client-IP}, {@code CF-Connecting-IP}):
 *       the left-most entry of the first header line.
 * </ul>
 *
 * <p><b>Any client can choose its own address this way</b> and so walk around per-client limits. Setting
 * {@code client_ip.trusted_proxies} fixes that.
 *
 * <h2>With trusted proxies</h2>
 *
 * Headers are honoured only when the TCP peer is inside {@code client_ip.trusted_proxies}; from any other
 * peer they are ignored and the peer address is the client. From a trusted peer, the configured headers are
 * still tried in order, but each is read as a list of hops, all header lines concatenated in order, and
 * walked from right to left (nearest proxy first), skipping hops that are trusted proxies:
 *
 * <ul>
 *   <li>The first untrusted hop is the client (as Tomcat's {@code RemoteIpFilter} does).
 *   <li>If every hop is trusted, the left-most one is the client.
 *   <li>If a hop cannot be parsed ({@code unknown}, an obfuscated identifier, garbage, a {@code Forwarded}
 *       element without {@code for}), the walk stops there and the client is the last hop that was read,
 *       which is a trusted proxy. Only proxies we trust vouch for the hops to their right, so anything beyond
 *       an unreadable hop may have been written by the client and is never used. If not even the right-most
 *       hop is readable, the header yields nothing and the next header is tried.
 *   <li>At most {@value #MAX_HOPS} hops are looked at per header; if the walk reaches that limit it ends as
 *       at an unreadable hop. A client therefore cannot push the genuine hops out of view with thousands of
 *       entries and have its own left-most entries chosen.
 * </ul>
 *
 * <p>Only list in {@code client_ip.headers} headers that your proxies set or append to: a header that a
 * proxy passes through untouched is whatever the client wrote.
 *
 * <h2>Keys</h2>
 *
 * IPv4 clients (including IPv4-mapped IPv6) are keyed by their address, IPv6 clients by their network of
 * {@code ipv6PrefixLength} bits (default {@value #DEFAULT_IPV6_PREFIX_LENGTH}), see {@link ClientAddress}.
 *
 * <h2>Hostile input</h2>
 *
 * Host names are never resolved. {@link #resolve} never throws: the work per request is bounded by
 * {@value #MAX_HOPS} hops of at most {@value Hops#MAX_ENTRY_CHARS} characters per header and
 * {@value #MAX_HEADER_LINES} lines per header (a header repeated more often than that is ignored). If the
 * container reports a peer address that is not an IP literal (a Unix domain socket, say), headers are
 * honoured only without trusted proxies and the fallback client is {@code 0.0.0.0}.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class ClientIpResolver {

  /** The APM Server's order. */
  public static final List<String> DEFAULT_HEADERS = List.of("Forwarded", "X-Real-Ip", "X-Forwarded-For");

  public static final int DEFAULT_IPV6_PREFIX_LENGTH = 64;

  /** Hops looked at per header in trusted-proxy mode; far more than any real chain of proxies. */
  static final int MAX_HOPS = 32;

  /** Lines of one header kept in trusted-proxy mode; containers usually refuse ~100 headers in total. */
  static final int MAX_HEADER_LINES = 64;

  private static final ClientAddress UNKNOWN_PEER = ClientAddress.of(IpLiteral.parse("0.0.0.0"), 128);

  private final List<String> headerChain;
  private final List<Kind> kinds;
  private final IpRanges trustedProxies;
  private final int ipv6PrefixLength;

  /**
   * @param headerChain the headers to consult, in order (see {@link #parseHeaderChain})
   * @param trustedProxies the proxies whose headers are honoured; empty for the APM Server's behaviour
   * @param ipv6PrefixLength the bits of an IPv6 address that form the rate-limit key, 1..128
   * @throws IllegalArgumentException for an empty or invalid header chain or a prefix length outside 1..128
   */
  public ClientIpResolver(List<String> headerChain, IpRanges trustedProxies, int ipv6PrefixLength) {
    this.headerChain = validate(List.copyOf(headerChain));
    this.kinds = headerChain.stream().map(Kind::of).toList();
    this.trustedProxies = java.util.Objects.requireNonNull(trustedProxies, "trustedProxies");
    this.ipv6PrefixLength = validateIpv6PrefixLength(ipv6PrefixLength);
  }

  /**
   * Validates a comma-separated header chain setting such as {@code Forwarded, X-Real-Ip, X-Forwarded-For}
   * or {@code CF-Connecting-IP}: HTTP token names, blanks around them trimmed, no duplicates (names compare
   * case-insensitively).
   *
   * @throws IllegalArgumentException naming what is wrong and what is accepted
   */
  public static List<String> parseHeaderChain(String commaSeparated) {
    if (commaSeparated == null || commaSeparated.isBlank()) {
      throw new IllegalArgumentException("header chain is empty; " + HEADERS_ACCEPTED);
    }
    List<String> names = new ArrayList<>();
    for (String raw : commaSeparated.split(",", -1)) {
      names.add(raw.strip());
    }
    return validate(names);
  }

  /**
   * Checks an IPv6 key prefix length.
   *
   * @return {@code prefixLength}
   * @throws IllegalArgumentException if it is outside 1..128
   */
  public static int validateIpv6PrefixLength(int prefixLength) {
    if (prefixLength < 1 || prefixLength > 128) {
      throw new IllegalArgumentException(
          "IPv6 prefix length was " + prefixLength + ", must be 1..128 (64 keys a client by its /64 network, 128 by its full address)");
    }
    return prefixLength;
  }

  /** The client of {@code request}; never throws. */
  public ClientAddress resolve(HttpServletRequest request) {
    String remoteAddr;
    try {
      remoteAddr = request.getRemoteAddr();
    } catch (RuntimeException e) {
      return UNKNOWN_PEER;
    }
    try {
      return resolve(remoteAddr, name -> iterate(request.getHeaders(name)));
    } catch (RuntimeException e) {
      // Not expected from our own parsing; a container's header access is the doubt. The peer address is
      // always a safe answer, since the client cannot choose it.
      InetAddress peer = IpLiteral.parseRemote(remoteAddr);
      return peer == null ? UNKNOWN_PEER : ClientAddress.of(peer, ipv6PrefixLength);
    }
  }

  /**
   * The pure core of {@link #resolve(HttpServletRequest)}.
   *
   * @param remoteAddr the TCP peer as the container reports it ({@code ::1}, {@code [::1]}, {@code 10.0.0.1})
   * @param headers the values of a header, one per header line, in order
   */
  ClientAddress resolve(String remoteAddr, HeaderLookup headers) {
    InetAddress peer = IpLiteral.parseRemote(remoteAddr);
    InetAddress client;
    if (trustedProxies.isEmpty()) {
      client = firstFromAnyone(headers);
    } else if (trustedProxies.contains(peer)) {
      client = nearestUntrusted(headers);
    } else {
      client = null;
    }
    if (client == null) {
      client = peer;
    }
    return client == null ? UNKNOWN_PEER : ClientAddress.of(client, ipv6PrefixLength);
  }

  /** The effective configuration, for the log. */
  @Override
  public String toString() {
    return "client_ip.headers="
        + String.join(", ", headerChain)
        + (trustedProxies.isEmpty()
            ? " (honoured from any peer: clients can choose their address)"
            : " (honoured only from trusted proxies)")
        + ", client_ip.trusted_proxies="
        + trustedProxies
        + ", IPv6 key prefix length="
        + ipv6PrefixLength;
  }

  /** APM mode: the first header in the chain that yields an address. */
  private InetAddress firstFromAnyone(HeaderLookup headers) {
    for (int i = 0; i < headerChain.size(); i++) {
      Iterator<String> lines = headers.values(headerChain.get(i));
      if (lines == null || !lines.hasNext()) {
        continue;
      }
      String line = lines.next();
      if (line == null) {
        continue;
      }
      InetAddress address = kinds.get(i).first(line);
      if (address != null) {
        return address;
      }
    }
    return null;
  }

  /** Trusted-proxy mode: the first header in the chain whose right-to-left walk yields an address. */
  private InetAddress nearestUntrusted(HeaderLookup headers) {
    for (int i = 0; i < headerChain.size(); i++) {
      Iterator<String> lines = headers.values(headerChain.get(i));
      if (lines == null || !lines.hasNext()) {
        continue;
      }
      InetAddress address = walkFromRight(kinds.get(i), lines);
      if (address != null) {
        return address;
      }
    }
    return null;
  }

  private InetAddress walkFromRight(Kind kind, Iterator<String> lines) {
    Deque<String> kept = new ArrayDeque<>();
    int seen = 0;
    while (lines.hasNext()) {
      String line = lines.next();
      if (++seen > MAX_HEADER_LINES) {
        // The lines nearest to us are the ones that matter, and we cannot tell which they are without
        // reading an unbounded number: ignore the header.
        return null;
      }
      if (line != null) {
        kept.addLast(line);
      }
    }
    InetAddress lastTrusted = null;
    int hops = 0;
    for (Iterator<String> fromLast = kept.descendingIterator(); fromLast.hasNext(); ) {
      Hops.FromRight entries = new Hops.FromRight(fromLast.next(), kind.quoteAware);
      for (String entry = entries.previous(); entry != null; entry = entries.previous()) {
        if (++hops > MAX_HOPS) {
          return lastTrusted;
        }
        if (entry == Hops.FromRight.TOO_LONG) {
          return lastTrusted;
        }
        if (Hops.trimOws(entry).isEmpty()) {
          continue; // "a, , b": HTTP lists may have empty members; they carry nothing
        }
        InetAddress hop = kind.hop(entry);
        if (hop == null) {
          return lastTrusted;
        }
        if (!trustedProxies.contains(hop)) {
          return hop;
        }
        lastTrusted = hop;
      }
    }
    return lastTrusted;
  }

  private static final String HEADERS_ACCEPTED =
      "accepted: comma-separated HTTP header names, e.g. Forwarded, X-Real-Ip, X-Forwarded-For (the default)"
          + " or True-Client-IP or CF-Connecting-IP";

  private static List<String> validate(List<String> names) {
    if (names.isEmpty()) {
      throw new IllegalArgumentException("header chain is empty; " + HEADERS_ACCEPTED);
    }
    List<String> problems = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String name : names) {
      if (name == null || name.isEmpty()) {
        problems.add("empty header name");
      } else if (!name.chars().allMatch(ClientIpResolver::isTokenChar)) {
        problems.add("'" + name + "' is not a valid header name");
      } else if (!seen.add(name.toLowerCase(Locale.ROOT))) {
        problems.add("'" + name + "' is listed twice");
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("invalid header chain: " + String.join(", ", problems) + "; " + HEADERS_ACCEPTED);
    }
    return List.copyOf(names);
  }

  /** RFC 9110 tchar. */
  private static boolean isTokenChar(int c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }

  private static Iterator<String> iterate(Enumeration<String> values) {
    return values == null ? Collections.emptyIterator() : values.asIterator();
  }

  /** The values of a header, one per header line, in the order received; never {@code null}. */
  @FunctionalInterface
  interface HeaderLookup {
    Iterator<String> values(String name);
  }

  /** How a header's value is read. */
  private enum Kind {
    /** RFC 7239: elements separated by commas, each with a {@code for} parameter. */
    FORWARDED(true) {
      @Override
      InetAddress first(String line) {
        String element = Hops.firstEntry(line, true);
        return element == null ? null : hop(element);
      }

      @Override
      InetAddress hop(String element) {
        String value = Hops.forwardedFor(element);
        return value == null ? null : Hops.hostPort(value);
      }
    },
    /** Exactly one address; a list is not an address (as in the APM Server). */
    SINGLE(false) {
      @Override
      InetAddress first(String line) {
        return Hops.hostPort(line);
      }
    },
    /** {@code X-Forwarded-For} and custom headers: comma-separated, left-most first. */
    LIST(false) {
      @Override
      InetAddress first(String line) {
        String entry = Hops.firstEntry(line, false);
        return entry == null ? null : hop(entry);
      }
    };

    final boolean quoteAware;

    Kind(boolean quoteAware) {
      this.quoteAware = quoteAware;
    }

    static Kind of(String headerName) {
      return switch (headerName.toLowerCase(Locale.ROOT)) {
        case "forwarded" -> FORWARDED;
        case "x-real-ip" -> SINGLE;
        default -> LIST;
      };
    }

    /** APM mode: the address this header line yields, or {@code null}. */
    abstract InetAddress first(String line);

    /** One hop of a right-to-left walk, or {@code null} if it is not an address. */
    InetAddress hop(String entry) {
      return Hops.hostPort(entry);
    }
  }
}
