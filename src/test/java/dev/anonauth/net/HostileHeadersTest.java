package dev.anonauth.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Headers of any size and shape: bounded work, no exceptions, and no way around the trusted-proxy rule. */
class HostileHeadersTest {

  private static final String PEER = "10.0.0.1";
  private static final IpRanges TRUSTED = IpRanges.parse("10.0.0.0/8");
  private static final ClientIpResolver APM = new ClientIpResolver(ClientIpResolver.DEFAULT_HEADERS, IpRanges.none(), 64);
  private static final ClientIpResolver BEHIND_PROXIES = new ClientIpResolver(ClientIpResolver.DEFAULT_HEADERS, TRUSTED, 64);

  private static final Duration GENEROUS = Duration.ofSeconds(2);

  private static String list(int entries, String entry) {
    return IntStream.range(0, entries).mapToObj(i -> entry).collect(Collectors.joining(", "));
  }

  @Test
  void resolve_tenThousandSpoofedEntriesBeforeTheProxysHop_returnsTheProxysHop() {
    String xff = list(10_000, "1.2.3.4") + ", 198.51.100.1";

    assertEquals("198.51.100.1", BEHIND_PROXIES.resolve(PEER, Headers.of("X-Forwarded-For", xff)).key());
  }

  @Test
  void resolve_moreTrustedHopsThanTheCap_neverReachesTheLeftMostEntry() {
    String xff = "6.6.6.6, " + list(ClientIpResolver.MAX_HOPS + 1, "10.0.0.7");

    assertEquals("10.0.0.7", BEHIND_PROXIES.resolve(PEER, Headers.of("X-Forwarded-For", xff)).key());
  }

  @Test
  void resolve_trustedHopsJustUnderTheCap_reachesTheClient() {
    String xff = "198.51.100.8, " + list(ClientIpResolver.MAX_HOPS - 1, "10.0.0.7");

    assertEquals("198.51.100.8", BEHIND_PROXIES.resolve(PEER, Headers.of("X-Forwarded-For", xff)).key());
  }

  @Test
  void resolve_tenThousandEntriesInApmMode_takesLeftMost() {
    String xff = "198.51.100.2, " + list(10_000, "1.2.3.4");

    assertEquals("198.51.100.2", APM.resolve(PEER, Headers.of("X-Forwarded-For", xff)).key());
  }

  @Test
  void resolve_tooManyRepeatedLines_ignoresTheHeader() {
    Headers headers = new Headers();
    for (int i = 0; i <= ClientIpResolver.MAX_HEADER_LINES; i++) {
      headers.add("X-Forwarded-For", "198.51.100.3");
    }

    assertEquals(PEER, BEHIND_PROXIES.resolve(PEER, headers).key());
  }

  @Test
  void resolve_hundredRepeatedLinesInApmMode_usesFirstLine() {
    Headers headers = new Headers();
    for (int i = 0; i < 100; i++) {
      headers.add("X-Forwarded-For", "198.51.100." + (i + 1));
    }

    assertEquals("198.51.100.1", APM.resolve(PEER, headers).key());
  }

  @Test
  void resolve_millionRepeatedLines_readsOnlyABoundedNumber() {
    AtomicInteger read = new AtomicInteger();
    ClientIpResolver.HeaderLookup endless =
        name ->
            new Iterator<>() {
              @Override
              public boolean hasNext() {
                return read.get() < 1_000_000;
              }

              @Override
              public String next() {
                read.incrementAndGet();
                return "10.0.0.9";
              }
            };

    assertEquals(PEER, BEHIND_PROXIES.resolve(PEER, endless).key());
    // One more line than the cap for each of the three headers in the chain.
    assertEquals(3 * (ClientIpResolver.MAX_HEADER_LINES + 1), read.get());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"X-Forwarded-For", "Forwarded", "X-Real-Ip"})
  void resolve_hugeValueWithoutSeparators_returnsPeerQuickly(String header) {
    String huge = "9".repeat(5_000_000);

    for (ClientIpResolver resolver : List.of(APM, BEHIND_PROXIES)) {
      ClientAddress client = assertTimeoutPreemptively(GENEROUS, () -> resolver.resolve(PEER, Headers.of(header, huge)));
      assertEquals(PEER, client.key());
    }
  }

  @Test
  void resolve_hugeQuotedForwarded_returnsPeerQuickly() {
    String huge = "for=\"" + "\\\"".repeat(2_000_000) + "\"";

    for (ClientIpResolver resolver : List.of(APM, BEHIND_PROXIES)) {
      ClientAddress client = assertTimeoutPreemptively(GENEROUS, () -> resolver.resolve(PEER, Headers.of("Forwarded", huge)));
      assertEquals(PEER, client.key());
    }
  }

  @Test
  void resolve_hugeRunOfCommas_isBoundedAndConservative() {
    String commas = "6.6.6.6" + ",".repeat(1_000_000);

    ClientAddress client =
        assertTimeoutPreemptively(GENEROUS, () -> BEHIND_PROXIES.resolve(PEER, Headers.of("X-Forwarded-For", commas)));

    assertEquals(PEER, client.key());
  }

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(
      strings = {
        "\u200B198.51.100.4",
        "198.51.100.4\u200B",
        "\uFF11\uFF19\uFF18.51.100.4",
        "198.51.100.4\u0000",
        "\"198.51.100.4\"",
        "\"\"\"",
        "for=\"\\",
        "[[::1]]",
        "[::1]]:80",
        "\uD800",
        "ü,ö,ä",
      })
  void resolve_strangeCharacters_neverChooseAClient(String value) {
    for (String header : ClientIpResolver.DEFAULT_HEADERS) {
      assertEquals(PEER, APM.resolve(PEER, Headers.of(header, value)).key(), header);
      assertEquals(PEER, BEHIND_PROXIES.resolve(PEER, Headers.of(header, value)).key(), header);
    }
  }

  @Property(tries = 1000)
  void resolve_anyHeaderValues_neverThrows(
      @ForAll("headerValue") String forwarded, @ForAll("headerValue") String realIp, @ForAll("headerValue") String xff) {
    Headers headers = Headers.of("Forwarded", forwarded, "X-Real-Ip", realIp, "X-Forwarded-For", xff);

    assertNotNull(APM.resolve(PEER, headers));
    assertNotNull(BEHIND_PROXIES.resolve(PEER, headers));
    assertNotNull(BEHIND_PROXIES.resolve("203.0.113.1", headers));
  }

  @Property(tries = 1000)
  void resolve_untrustedPeer_alwaysReturnsThePeer(@ForAll("headerValue") String value) {
    Headers headers = Headers.of("Forwarded", value, "X-Real-Ip", value, "X-Forwarded-For", value);

    assertEquals("203.0.113.1", BEHIND_PROXIES.resolve("203.0.113.1", headers).key());
  }

  @Property(tries = 1000)
  void resolve_spoofedPrefixBeforeProxysHop_neverWins(@ForAll("headerValue") String spoofed) {
    // Whatever a client writes, a trusted proxy that appends the address it saw decides the result.
    Headers headers = Headers.of("X-Forwarded-For", spoofed + ", 198.51.100.77");

    assertEquals("198.51.100.77", BEHIND_PROXIES.resolve(PEER, headers).key());
  }

  @Property(tries = 1000)
  void resolve_spoofedForwardedBeforeProxysElement_neverWins(@ForAll("headerValue") String spoofed) {
    Headers headers = Headers.of("Forwarded", spoofed + ", for=198.51.100.78");

    assertEquals("198.51.100.78", BEHIND_PROXIES.resolve(PEER, headers).key());
  }

  @Provide
  Arbitrary<String> headerValue() {
    Arbitrary<String> shaped =
        Arbitraries.strings().withChars("0123456789abcdefFOR:.[]%,;=\" \t\\_-/").ofMaxLength(120);
    Arbitrary<String> anything = Arbitraries.strings().ofMaxLength(200);
    Arbitrary<String> known =
        Arbitraries.of(
            "for=192.0.2.1", "for=\"[2001:db8::1]:80\"", "10.0.0.5", "1.2.3.4", "unknown", "for=unknown", "\"", "\\", "\u200B");
    Arbitrary<String> joined = Arbitraries.oneOf(shaped, known).list().ofMaxSize(8).map(parts -> String.join(", ", parts));
    return Arbitraries.oneOf(shaped, anything, known, joined);
  }
}
