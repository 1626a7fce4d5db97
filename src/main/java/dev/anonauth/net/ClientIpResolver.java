package dev.anonauth.net;

import jakarta.servlet.http.HttpServletRequest;
import java.util.List;

/** Finds the client address of a request. STUB: the client-IP work fills it in. */
public final class ClientIpResolver {

  /** The APM Server's order. */
  public static final List<String> DEFAULT_HEADERS = List.of("Forwarded", "X-Real-Ip", "X-Forwarded-For");

  public static final int DEFAULT_IPV6_PREFIX_LENGTH = 64;

  public ClientIpResolver(List<String> headerChain, IpRanges trustedProxies, int ipv6PrefixLength) {
    throw new UnsupportedOperationException("stub");
  }

  /**
   * Validates a comma-separated header chain setting.
   *
   * @throws IllegalArgumentException naming what is wrong and what is accepted
   */
  public static List<String> parseHeaderChain(String commaSeparated) {
    throw new UnsupportedOperationException("stub");
  }

  public ClientAddress resolve(HttpServletRequest request) {
    throw new UnsupportedOperationException("stub");
  }
}
