package dev.anonauth.net;

import java.net.InetAddress;

/** A set of IPv4 and IPv6 address ranges (CIDR blocks or single addresses). STUB: the client-IP work fills it in. */
public final class IpRanges {

  private IpRanges() {}

  /**
   * Parses a comma-separated list of CIDR blocks or literal addresses; blanks are trimmed and an empty
   * string gives the empty set. Never resolves host names.
   *
   * @throws IllegalArgumentException naming every entry that is not a valid range
   */
  public static IpRanges parse(String commaSeparated) {
    throw new UnsupportedOperationException("stub");
  }

  public boolean isEmpty() {
    throw new UnsupportedOperationException("stub");
  }

  public boolean contains(InetAddress address) {
    throw new UnsupportedOperationException("stub");
  }
}
