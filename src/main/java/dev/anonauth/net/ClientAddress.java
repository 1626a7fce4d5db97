package dev.anonauth.net;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Objects;

/**
 * The client a request is attributed to.
 *
 * <p>The key is what per-client rate limits count against. IPv4 clients are keyed by their full address.
 * IPv6 clients are keyed by their network prefix ({@code 2001:db8:1:2::/64} with the default length of
 * {@value ClientIpResolver#DEFAULT_IPV6_PREFIX_LENGTH}), because a single household or attacker is
 * commonly handed a whole /64 and could otherwise rotate through billions of addresses, each with a fresh
 * bucket. With a prefix length of 128 the key is the full canonical address.
 *
 * @param address the client's address (IPv4-mapped IPv6 addresses are unmapped to IPv4)
 * @param key the rate-limit key: the canonical IPv4 text, or the IPv6 network prefix of the configured length
 */
public record ClientAddress(InetAddress address, String key) {

  public ClientAddress {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(key, "key");
  }

  /** The client {@code address} keyed with IPv6 networks of {@code ipv6PrefixLength} bits (1..128). */
  static ClientAddress of(InetAddress address, int ipv6PrefixLength) {
    byte[] bytes = address.getAddress();
    if (IpLiteral.isIpv4Mapped(bytes)) {
      // InetAddress.getByAddress already unmaps; an Inet6Address built another way might not be.
      address = IpLiteral.toAddress(bytes);
      bytes = address.getAddress();
    }
    if (address instanceof Inet4Address) {
      return new ClientAddress(address, IpLiteral.format(bytes));
    }
    if (ipv6PrefixLength >= 128) {
      return new ClientAddress(address, IpLiteral.format(bytes));
    }
    return new ClientAddress(address, IpLiteral.format(IpRanges.mask(bytes, ipv6PrefixLength)) + "/" + ipv6PrefixLength);
  }
}
