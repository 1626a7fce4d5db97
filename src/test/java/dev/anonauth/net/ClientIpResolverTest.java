package dev.anonauth.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ClientIpResolverTest {

  private static final String PEER = "192.0.2.200";

  private static final ClientIpResolver APM =
      new ClientIpResolver(ClientIpResolver.DEFAULT_HEADERS, IpRanges.none(), ClientIpResolver.DEFAULT_IPV6_PREFIX_LENGTH);

  private static String apm(Headers headers) {
    return APM.resolve(PEER, headers).key();
  }

  // --- REFERENCE §5: the APM Server's vectors (empty expectation = falls through to the peer) ---

  @ParameterizedTest(name = "{0}: {1} + {2}: {3} -> {4}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      value = {
        "X-Forwarded-For | 123.0.0.1 | - | - | 123.0.0.1",
        "X-Forwarded-For | 123.0.0.1, 127.0.0.1 | - | - | 123.0.0.1",
        "X-Real-Ip | 123.0.0.1:6060 | - | - | 123.0.0.1",
        "X-Real-Ip | invalid | X-Forwarded-For | 182.0.0.9 | 182.0.0.9",
        "Forwarded | for=[2001:db8:cafe::17]:4711 | - | - | 2001:db8:cafe::/64",
        "Forwarded | invalid | X-Real-Ip | 182.0.0.9 | 182.0.0.9",
        "Forwarded | 128.0.0.5 | - | - | 192.0.2.200",
        "X-Forwarded-For | client.invalid | - | - | 192.0.2.200",
        "Forwarded | by=127.0.0.1; for=127.1.1.1; Host=\"forwarded.invalid:443\"; proto=HTTPS | - | - | 127.1.1.1",
      })
  void resolve_referenceVector_matchesApmServer(String name1, String value1, String name2, String value2, String key) {
    Headers headers = Headers.of(name1, value1);
    if (name2 != null) {
      headers.add(name2, value2);
    }

    assertEquals(key, apm(headers));
  }

  @Test
  void resolve_forwardedIpv6WithFullPrefix_returnsFullAddress() {
    ClientIpResolver resolver = new ClientIpResolver(ClientIpResolver.DEFAULT_HEADERS, IpRanges.none(), 128);

    ClientAddress client = resolver.resolve(PEER, Headers.of("Forwarded", "for=[2001:db8:cafe::17]:4711"));

    assertEquals("2001:db8:cafe::17", client.key());
    assertEquals(IpLiteral.parse("2001:db8:cafe::17"), client.address());
  }

  // --- RFC 7239 examples and the Forwarded grammar ---

  @ParameterizedTest(name = "Forwarded: {0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "for=\"_gazonk\" | 192.0.2.200",
        "For=\"[2001:db8:cafe::17]:4711\" | 2001:db8:cafe::/64",
        "for=192.0.2.60;proto=http;by=203.0.113.43 | 192.0.2.60",
        "for=192.0.2.43, for=198.51.100.17 | 192.0.2.43",
        "for=unknown | 192.0.2.200",
        "for=unknown, for=198.51.100.17 | 192.0.2.200",
        "for=_hidden | 192.0.2.200",
        "for=client.invalid | 192.0.2.200",
        "FOR=192.0.2.60 | 192.0.2.60",
        "for=\"192.0.2.60:47011\" | 192.0.2.60",
        "for=192.0.2.60:47011 | 192.0.2.60",
        "for=\"192.0.2.60:_abc\" | 192.0.2.60",
        "for=\"[2001:db8::1]\" | 2001:db8::/64",
        "for=\"[2001:db8::1]:_port\" | 2001:db8::/64",
        "for=2001:db8::1 | 2001:db8::/64",
        "for=\"[192.0.2.60]\" | 192.0.2.200",
        "for=\"2001:db8::1:80\" | 2001:db8::/64",
        "for=[2001:db8::1 | 192.0.2.200",
        "for=192.0.2.60:99999 | 192.0.2.200",
        "for=192.0.2.60:port | 192.0.2.200",
        " for = 192.0.2.60 ; proto=http | 192.0.2.60",
        "proto=http;by=203.0.113.43 | 192.0.2.200",
        "by=203.0.113.43 , for=192.0.2.60 | 192.0.2.200",
        "broken;for=192.0.2.61 | 192.0.2.61",
        "=x;for=192.0.2.61 | 192.0.2.61",
        "host=\"a,b;c\";for=192.0.2.62 | 192.0.2.62",
        "for=\"192.0.2.63 | 192.0.2.200",
        "for=\"192.0.2.63\"x | 192.0.2.200",
        "for=\"192.0.\\2.63\" | 192.0.2.63",
        "for= | 192.0.2.200",
        "for=\"\" | 192.0.2.200",
        "for=fe80::1%eth0 | 192.0.2.200",
      })
  void resolve_forwardedHeader_readsForOfFirstElement(String value, String key) {
    assertEquals(key, apm(Headers.of("Forwarded", value)));
  }

  @Test
  void resolve_forwardedWithoutFor_fallsThroughToXRealIp() {
    assertEquals("198.51.100.1", apm(Headers.of("Forwarded", "proto=https", "X-Real-Ip", "198.51.100.1")));
  }

  @Test
  void resolve_repeatedForwardedLines_usesFirstLineOnly() {
    assertEquals("192.0.2.1", apm(Headers.of("Forwarded", "for=192.0.2.1", "Forwarded", "for=192.0.2.2")));
  }

  // --- X-Real-Ip and X-Forwarded-For ---

  @ParameterizedTest(name = "X-Real-Ip: {0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "198.51.100.7 | 198.51.100.7",
        "' 198.51.100.7\t' | 198.51.100.7",
        "198.51.100.7:8080 | 198.51.100.7",
        "[2001:db8::7]:8080 | 2001:db8::/64",
        "2001:db8::7 | 2001:db8::/64",
        "::ffff:198.51.100.7 | 198.51.100.7",
        "198.51.100.7, 198.51.100.8 | 192.0.2.200",
        "198.51.100.7: | 192.0.2.200",
        "\u200B198.51.100.7 | 192.0.2.200",
        "198.51.100.7\u00a0 | 192.0.2.200",
        "01.2.3.4 | 192.0.2.200",
        "localhost | 192.0.2.200",
      })
  void resolve_xRealIp_readsOneAddress(String value, String key) {
    assertEquals(key, apm(Headers.of("X-Real-Ip", value)));
  }

  @ParameterizedTest(name = "X-Forwarded-For: {0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "'  203.0.113.1  ,10.0.0.1' | 203.0.113.1",
        "203.0.113.1:5555, 10.0.0.1 | 203.0.113.1",
        "'2001:db8::1, 10.0.0.1' | 2001:db8::/64",
        "', 203.0.113.1' | 192.0.2.200",
        "unknown, 203.0.113.1 | 192.0.2.200",
        "example.com | 192.0.2.200",
      })
  void resolve_xForwardedFor_readsLeftMostEntry(String value, String key) {
    assertEquals(key, apm(Headers.of("X-Forwarded-For", value)));
  }

  @Test
  void resolve_noHeaders_returnsPeer() {
    assertEquals(PEER, apm(Headers.of()));
  }

  @Test
  void resolve_headerChainOrder_decidesWhichHeaderWins() {
    Headers headers = Headers.of("Forwarded", "for=192.0.2.1", "X-Real-Ip", "192.0.2.2", "X-Forwarded-For", "192.0.2.3");
    ClientIpResolver xffFirst =
        new ClientIpResolver(List.of("X-Forwarded-For", "Forwarded"), IpRanges.none(), 64);

    assertEquals("192.0.2.1", apm(headers));
    assertEquals("192.0.2.3", xffFirst.resolve(PEER, headers).key());
  }

  @Test
  void resolve_customHeaderWithList_takesLeftMostInApmMode() {
    ClientIpResolver resolver = new ClientIpResolver(List.of("CF-Connecting-IP"), IpRanges.none(), 64);

    assertEquals("203.0.113.5", resolver.resolve(PEER, Headers.of("cf-connecting-ip", "203.0.113.5, 10.0.0.1")).key());
    assertEquals(PEER, resolver.resolve(PEER, Headers.of("X-Forwarded-For", "203.0.113.5")).key());
  }

  // --- the TCP peer as containers report it ---

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"0:0:0:0:0:0:0:1", "::1", "[::1]"})
  void resolve_ipv6LoopbackPeerSpellings_giveOneKey(String remoteAddr) {
    assertEquals("::/64", APM.resolve(remoteAddr, Headers.of()).key());
  }

  @Test
  void resolve_mappedIpv4Peer_isKeyedAsIpv4() {
    assertEquals("10.0.0.1", APM.resolve("::ffff:10.0.0.1", Headers.of()).key());
  }

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(strings = {"", "unix:/run/app.sock", "host.example"})
  void resolve_unparsablePeer_usesUnspecifiedAddress(String remoteAddr) {
    assertEquals("0.0.0.0", APM.resolve(remoteAddr, Headers.of()).key());
  }

  @Test
  void resolve_nullPeerWithHeaderInApmMode_usesHeader() {
    assertEquals("203.0.113.9", APM.resolve(null, Headers.of("X-Real-Ip", "203.0.113.9")).key());
  }

  // --- configuration ---

  @Test
  void parseHeaderChain_defaultSpelling_returnsNamesTrimmed() {
    assertEquals(
        List.of("Forwarded", "X-Real-Ip", "X-Forwarded-For"),
        ClientIpResolver.parseHeaderChain(" Forwarded,X-Real-Ip ,\tX-Forwarded-For "));
    assertEquals(List.of("True-Client-IP", "CF-Connecting-IP"), ClientIpResolver.parseHeaderChain("True-Client-IP, CF-Connecting-IP"));
  }

  private static final String HEADERS_ACCEPTED =
      "; accepted: comma-separated HTTP header names, e.g. Forwarded, X-Real-Ip, X-Forwarded-For (the default)"
          + " or True-Client-IP or CF-Connecting-IP";

  @ParameterizedTest(name = "[{0}] -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "'' | header chain is empty",
        "' ' | header chain is empty",
        "'Forwarded,,X-Real-Ip' | invalid header chain: empty header name",
        "'Forwarded,' | invalid header chain: empty header name",
        "X Real Ip | invalid header chain: 'X Real Ip' is not a valid header name",
        "X-Real-Ip: | invalid header chain: 'X-Real-Ip:' is not a valid header name",
        "X-R\u00e9al-Ip | invalid header chain: 'X-R\u00e9al-Ip' is not a valid header name",
        "\u200BForwarded | invalid header chain: '\u200BForwarded' is not a valid header name",
        "'Forwarded, forwarded' | invalid header chain: 'forwarded' is listed twice",
        "'X-Real-Ip, a b, X-REAL-IP,' | invalid header chain: 'a b' is not a valid header name, 'X-REAL-IP' is listed twice, empty header name",
      })
  void parseHeaderChain_invalid_throwsNamingEveryProblem(String setting, String message) {
    IllegalArgumentException thrown =
        assertThrows(IllegalArgumentException.class, () -> ClientIpResolver.parseHeaderChain(setting));

    assertEquals(message + HEADERS_ACCEPTED, thrown.getMessage());
  }

  @Test
  void parseHeaderChain_null_throws() {
    assertThrows(IllegalArgumentException.class, () -> ClientIpResolver.parseHeaderChain(null));
  }

  @Test
  void new_emptyHeaderChain_throws() {
    assertThrows(IllegalArgumentException.class, () -> new ClientIpResolver(List.of(), IpRanges.none(), 64));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(ints = {0, -1, 129, Integer.MAX_VALUE})
  void validateIpv6PrefixLength_outOfRange_throwsNamingRange(int length) {
    IllegalArgumentException thrown =
        assertThrows(IllegalArgumentException.class, () -> ClientIpResolver.validateIpv6PrefixLength(length));

    assertEquals(
        "IPv6 prefix length was " + length
            + ", must be 1..128 (64 keys a client by its /64 network, 128 by its full address)",
        thrown.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new ClientIpResolver(ClientIpResolver.DEFAULT_HEADERS, IpRanges.none(), length));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(ints = {1, 48, 64, 128})
  void validateIpv6PrefixLength_inRange_returnsIt(int length) {
    assertEquals(length, ClientIpResolver.validateIpv6PrefixLength(length));
  }

  @Test
  void toString_apmMode_saysClientsCanChooseTheirAddress() {
    assertEquals(
        "client_ip.headers=Forwarded, X-Real-Ip, X-Forwarded-For (honoured from any peer: clients can choose their address),"
            + " client_ip.trusted_proxies=none, IPv6 key prefix length=64",
        APM.toString());
  }

  // --- the servlet adapter ---

  @Test
  void resolve_servletRequest_readsRemoteAddrAndRepeatedHeaders() {
    HttpServletRequest request = mock(HttpServletRequest.class);
    when(request.getRemoteAddr()).thenReturn("10.0.0.2");
    when(request.getHeaders("X-Forwarded-For"))
        .thenReturn(Collections.enumeration(List.of("203.0.113.50", "198.51.100.60, 10.0.0.9")));
    ClientIpResolver resolver =
        new ClientIpResolver(List.of("X-Forwarded-For"), IpRanges.parse("10.0.0.0/8"), 64);

    assertEquals("198.51.100.60", resolver.resolve(request).key());
  }

  @Test
  void resolve_servletRequestWithoutHeaders_returnsRemoteAddr() {
    HttpServletRequest request = mock(HttpServletRequest.class);
    when(request.getRemoteAddr()).thenReturn("0:0:0:0:0:0:0:1");
    when(request.getHeaders(org.mockito.ArgumentMatchers.anyString())).thenReturn(null);

    assertEquals("::/64", APM.resolve(request).key());
  }

  @Test
  void resolve_containerThrowsOnHeaders_returnsRemoteAddrInsteadOfThrowing() {
    HttpServletRequest request = mock(HttpServletRequest.class);
    when(request.getRemoteAddr()).thenReturn("10.0.0.3");
    when(request.getHeaders(org.mockito.ArgumentMatchers.anyString())).thenThrow(new IllegalStateException("recycled"));

    assertEquals("10.0.0.3", APM.resolve(request).key());
  }
}
