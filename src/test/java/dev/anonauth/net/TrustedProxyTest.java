package dev.anonauth.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link ClientIpResolver} with {@code client_ip.trusted_proxies} set: the right-most untrusted hop wins. */
class TrustedProxyTest {

  private static final String PROXY = "10.0.0.1";
  private static final String STRANGER = "203.0.113.66";

  private static final ClientIpResolver RESOLVER =
      new ClientIpResolver(ClientIpResolver.DEFAULT_HEADERS, IpRanges.parse("10.0.0.0/8, 2001:db8:ffff::/48"), 64);

  private static String fromProxy(Headers headers) {
    return RESOLVER.resolve(PROXY, headers).key();
  }

  @Test
  void resolve_spoofedXForwardedForFromUntrustedPeer_isIgnored() {
    assertEquals(STRANGER, RESOLVER.resolve(STRANGER, Headers.of("X-Forwarded-For", "1.2.3.4")).key());
  }

  @Test
  void resolve_spoofedHeadersOfEveryKindFromUntrustedPeer_areIgnored() {
    Headers headers = Headers.of("Forwarded", "for=1.2.3.4", "X-Real-Ip", "1.2.3.5", "X-Forwarded-For", "1.2.3.6");

    assertEquals(STRANGER, RESOLVER.resolve(STRANGER, headers).key());
  }

  @Test
  void resolve_headerFromTrustedPeer_isHonoured() {
    assertEquals("198.51.100.1", fromProxy(Headers.of("X-Forwarded-For", "198.51.100.1")));
  }

  @Test
  void resolve_unparsablePeer_isNotTrusted() {
    assertEquals("0.0.0.0", RESOLVER.resolve("unix:/run/proxy.sock", Headers.of("X-Real-Ip", "1.2.3.4")).key());
  }

  // Tomcat's testInvokeUntrustedProxyInTheChain, and friends: the walk goes right to left.
  @ParameterizedTest(name = "X-Forwarded-For: {0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        // client, untrusted proxy, trusted proxy: the untrusted proxy is as far as we can vouch for.
        "140.211.11.130, 140.211.11.131, 10.0.0.2 | 140.211.11.131",
        "140.211.11.130, 10.0.0.3, 10.0.0.2 | 140.211.11.130",
        "6.6.6.6, 140.211.11.130 | 140.211.11.130",
        "' 140.211.11.130 ,10.0.0.2 ' | 140.211.11.130",
        // every hop trusted: the left-most one
        "10.0.0.5, 10.0.0.4, 10.0.0.3 | 10.0.0.5",
        // an unreadable hop stops the walk at the last hop read (a trusted proxy), never further left
        "6.6.6.6, unknown, 10.0.0.2 | 10.0.0.2",
        "6.6.6.6, 01.2.3.4, 10.0.0.3, 10.0.0.2 | 10.0.0.3",
        "6.6.6.6, example.com | 10.0.0.1",
        // empty members carry nothing
        "'140.211.11.130, , 10.0.0.2,' | 140.211.11.130",
        "'2001:db8:1:2::99, 2001:db8:ffff::1' | 2001:db8:1:2::/64",
        "'[2001:db8:1:2::99]:4711, 10.0.0.2:80' | 2001:db8:1:2::/64",
        "::ffff:10.0.0.7, 198.51.100.2 | 198.51.100.2",
        "198.51.100.2, ::ffff:10.0.0.7 | 198.51.100.2",
      })
  void resolve_xForwardedForFromTrustedPeer_returnsRightMostUntrustedHop(String value, String key) {
    assertEquals(key, fromProxy(Headers.of("X-Forwarded-For", value)));
  }

  @Test
  void resolve_repeatedXForwardedForLines_areWalkedAsOneList() {
    Headers headers =
        Headers.of("X-Forwarded-For", "6.6.6.6, 198.51.100.1", "X-Forwarded-For", "10.0.0.3", "X-Forwarded-For", "10.0.0.2");

    assertEquals("198.51.100.1", fromProxy(headers));
  }

  @ParameterizedTest(name = "Forwarded: {0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "for=192.0.2.43, for=198.51.100.17 | 198.51.100.17",
        "for=192.0.2.43, for=10.0.0.9;by=10.0.0.1 | 192.0.2.43",
        "for=\"[2001:db8:cafe::17]:4711\", for=10.0.0.9 | 2001:db8:cafe::/64",
        "for=10.0.0.8, for=10.0.0.9 | 10.0.0.8",
        "for=6.6.6.6, for=unknown, for=10.0.0.9 | 10.0.0.9",
        "for=6.6.6.6, for=\"_gazonk\", for=10.0.0.9 | 10.0.0.9",
        "for=6.6.6.6, proto=https, for=10.0.0.9 | 10.0.0.9",
        "for=6.6.6.6, host=\"a,for=7.7.7.7\";for=198.51.100.3 | 198.51.100.3",
        "for=6.6.6.6, host=\"a\\\",b\";for=198.51.100.4 | 198.51.100.4",
        // an attacker's unterminated quote on the left cannot swallow the proxy's element on the right
        "for=6.6.6.6;x=\", for=198.51.100.5 | 198.51.100.5",
        "for=unknown | 10.0.0.1",
      })
  void resolve_forwardedFromTrustedPeer_walksEveryElementFromTheRight(String value, String key) {
    assertEquals(key, fromProxy(Headers.of("Forwarded", value)));
  }

  @Test
  void resolve_forwardedYieldingNothing_fallsThroughToNextHeader() {
    assertEquals("198.51.100.9", fromProxy(Headers.of("Forwarded", "for=unknown", "X-Forwarded-For", "198.51.100.9")));
  }

  @Test
  void resolve_headerChainOrder_stillDecidesFirstHeader() {
    Headers headers = Headers.of("X-Forwarded-For", "198.51.100.1", "Forwarded", "for=198.51.100.2");

    assertEquals("198.51.100.2", fromProxy(headers));
    ClientIpResolver xffFirst = new ClientIpResolver(List.of("X-Forwarded-For", "Forwarded"), IpRanges.parse("10.0.0.0/8"), 64);
    assertEquals("198.51.100.1", xffFirst.resolve(PROXY, headers).key());
  }

  @Test
  void resolve_singleAddressHeaderFromTrustedPeer_isUsed() {
    ClientIpResolver cdn = new ClientIpResolver(List.of("True-Client-IP"), IpRanges.parse("10.0.0.0/8"), 64);

    assertEquals("198.51.100.20", cdn.resolve(PROXY, Headers.of("True-Client-IP", "198.51.100.20")).key());
    assertEquals("198.51.100.21", fromProxy(Headers.of("X-Real-Ip", "198.51.100.21:443")));
  }

  @Test
  void resolve_singleAddressHeaderWithAppendedList_takesRightMostUntrusted() {
    ClientIpResolver cdn = new ClientIpResolver(List.of("True-Client-IP"), IpRanges.parse("10.0.0.0/8"), 64);

    assertEquals("198.51.100.22", cdn.resolve(PROXY, Headers.of("True-Client-IP", "6.6.6.6, 198.51.100.22")).key());
  }

  @Test
  void resolve_ipv6TrustedPeer_isRecognisedInAnySpelling() {
    Headers headers = Headers.of("X-Forwarded-For", "198.51.100.30");

    assertEquals("198.51.100.30", RESOLVER.resolve("[2001:db8:ffff:0:0:0:0:1]", headers).key());
    assertEquals("2001:db8:fffe::/64", RESOLVER.resolve("2001:db8:fffe::1", headers).key());
  }

  @Test
  void toString_trustedMode_listsEffectiveRanges() {
    assertEquals(
        "client_ip.headers=Forwarded, X-Real-Ip, X-Forwarded-For (honoured only from trusted proxies),"
            + " client_ip.trusted_proxies=10.0.0.0/8, 2001:db8:ffff::/48, IPv6 key prefix length=64",
        RESOLVER.toString());
  }
}
