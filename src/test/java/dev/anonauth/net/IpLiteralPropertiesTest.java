package dev.anonauth.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.net.InetAddress;
import java.time.Duration;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class IpLiteralPropertiesTest {

  @Property(tries = 2000)
  void parse_anyString_neverThrows(@ForAll String text) {
    IpLiteral.parse(text);
    IpLiteral.parseRemote(text);
    Hops.hostPort(text);
  }

  @Property(tries = 2000)
  void parse_ipLikeCharacters_neverThrowsAndRoundTripsWhenValid(@ForAll("ipLike") String text) {
    byte[] bytes = IpLiteral.parseBytes(text);
    if (bytes != null) {
      // Whatever was accepted formats to a literal that parses back to the same bytes.
      byte[] again = IpLiteral.parseBytes(IpLiteral.format(bytes));
      assertEquals(java.util.HexFormat.of().formatHex(bytes), java.util.HexFormat.of().formatHex(again));
    }
  }

  @Property(tries = 50)
  void parse_hugeInput_returnsQuickly(@ForAll("ipLikeNonEmpty") String seed) {
    String huge = seed.repeat(1 + 1_000_000 / seed.length());
    assertTimeoutPreemptively(Duration.ofSeconds(1), () -> {
      IpLiteral.parse(huge);
      Hops.hostPort(huge);
    });
  }

  @Property
  void format_anyIpv4_roundTrips(
      @ForAll @IntRange(max = 255) int a,
      @ForAll @IntRange(max = 255) int b,
      @ForAll @IntRange(max = 255) int c,
      @ForAll @IntRange(max = 255) int d) {
    String text = a + "." + b + "." + c + "." + d;

    InetAddress address = IpLiteral.parse(text);

    assertEquals(text, IpLiteral.format(address.getAddress()));
  }

  @Property
  void key_ipv4MappedIpv6_equalsIpv4Key(
      @ForAll @IntRange(max = 255) int a,
      @ForAll @IntRange(max = 255) int b,
      @ForAll @IntRange(max = 255) int c,
      @ForAll @IntRange(max = 255) int d,
      @ForAll @IntRange(min = 1, max = 128) int prefixLength) {
    String ipv4 = a + "." + b + "." + c + "." + d;
    String mappedHex = "::ffff:" + Integer.toHexString(a << 8 | b) + ":" + Integer.toHexString(c << 8 | d);

    ClientAddress plain = ClientAddress.of(IpLiteral.parse(ipv4), prefixLength);

    assertEquals(plain, ClientAddress.of(IpLiteral.parse("::ffff:" + ipv4), prefixLength));
    assertEquals(plain, ClientAddress.of(IpLiteral.parse(mappedHex), prefixLength));
    assertEquals(ipv4, plain.key());
  }

  @Property
  void format_anyIpv6_roundTripsThroughCanonicalText(@ForAll @Size(value = 16) byte[] bytes) {
    String canonical = IpLiteral.format(bytes);

    byte[] again = IpLiteral.parseBytes(canonical);

    assertEquals(java.util.HexFormat.of().formatHex(bytes), java.util.HexFormat.of().formatHex(again));
  }

  @Provide
  Arbitrary<String> ipLikeNonEmpty() {
    return Arbitraries.strings().withChars("0123456789abcdefABCDEF:.%[]/ ,x").ofMinLength(1).ofMaxLength(50);
  }

  @Provide
  Arbitrary<String> ipLike() {
    return Arbitraries.strings().withChars("0123456789abcdefABCDEF:.%[]/ ,x").ofMaxLength(50);
  }
}
