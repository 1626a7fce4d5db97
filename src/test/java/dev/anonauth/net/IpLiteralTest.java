package dev.anonauth.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpLiteralTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "0.0.0.0 | 0.0.0.0",
        "1.2.3.4 | 1.2.3.4",
        "255.255.255.255 | 255.255.255.255",
        "10.0.0.1 | 10.0.0.1",
        "::1 | ::1",
        "0:0:0:0:0:0:0:1 | ::1",
        ":: | ::",
        "2001:DB8::1 | 2001:db8::1",
        "2001:0db8:0000:0000:0000:0000:0000:0001 | 2001:db8::1",
        "2001:db8:cafe::17 | 2001:db8:cafe::17",
        "1:: | 1::",
        "1::8 | 1::8",
        "1:2:3:4:5:6:7:8 | 1:2:3:4:5:6:7:8",
        "1:2:3:4:5:6:7:: | 1:2:3:4:5:6:7:0",
        "::2:3:4:5:6:7:8 | 0:2:3:4:5:6:7:8",
        "2001:db8:0:0:1:0:0:1 | 2001:db8::1:0:0:1",
        "::ffff:1.2.3.4 | 1.2.3.4",
        "::FFFF:10.0.0.1 | 10.0.0.1",
        "0:0:0:0:0:ffff:a00:1 | 10.0.0.1",
        "::1.2.3.4 | ::102:304",
        "64:ff9b::192.0.2.33 | 64:ff9b::c000:221",
        "1:2:3:4:5:6:1.2.3.4 | 1:2:3:4:5:6:102:304",
        "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255 | ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
      })
  void parse_validLiteral_returnsCanonicalAddress(String text, String canonical) {
    InetAddress address = IpLiteral.parse(text);

    assertEquals(canonical, IpLiteral.format(address.getAddress()));
  }

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(
      strings = {
        "",
        " ",
        "1.2.3",
        "1.2.3.4.5",
        "256.1.1.1",
        "1.2.3.256",
        "01.2.3.4",
        "1.2.3.04",
        "00.0.0.0",
        "0x7f.0.0.1",
        "16909060",
        "1..2.3",
        "1.2.3.4.",
        ".1.2.3.4",
        "1.2.3.-4",
        "+1.2.3.4",
        " 1.2.3.4",
        "1.2.3.4 ",
        "1.2.3.4/32",
        "1.2.3.4:80",
        "\u200B1.2.3.4",
        "1.2.3.\u0664",
        "1::2::3",
        ":::",
        "1:::2",
        ":1",
        "1:",
        ":1::",
        "1:2:3:4:5:6:7:8:9",
        "1:2:3:4:5:6:7::8",
        "::1:2:3:4:5:6:7:8",
        "12345::",
        "g::1",
        "::ffff:1.2.3",
        "::ffff:01.2.3.4",
        "::1.2.3.4:5",
        "1:2:3:4:5:6:7:1.2.3.4",
        "fe80::1%eth0",
        "fe80::1%25eth0",
        "[::1]",
        "example.com",
        "localhost",
        "client.invalid",
        "unknown",
        "_hidden",
        "::::::::::::::::::::::::::::::::::::::::",
        "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255x",
      })
  void parse_notALiteral_returnsNull(String text) {
    assertNull(IpLiteral.parse(text));
  }

  @Test
  void parse_null_returnsNull() {
    assertNull(IpLiteral.parse(null));
  }

  @Test
  void parse_ipv4MappedIpv6_returnsTheIpv4Address() {
    InetAddress mapped = IpLiteral.parse("::ffff:10.0.0.1");

    assertInstanceOf(Inet4Address.class, mapped);
    assertEquals(IpLiteral.parse("10.0.0.1"), mapped);
  }

  @Test
  void parse_ipv4CompatibleIpv6_staysIpv6() {
    // ::a.b.c.d is deprecated "IPv4-compatible" space, not the IPv4 client a.b.c.d.
    assertInstanceOf(Inet6Address.class, IpLiteral.parse("::1.2.3.4"));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"0:0:0:0:0:0:0:1", "::1", "[::1]", " ::1 ", "::1%lo", "[::1%1]"})
  void parseRemote_containerLoopbackSpellings_allGiveIpv6Loopback(String remoteAddr) {
    assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, IpLiteral.parseRemote(remoteAddr).getAddress());
  }

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(strings = {"", "localhost", "unix:/tmp/socket", "1.2.3.4%eth0", "[1.2.3.4"})
  void parseRemote_notALiteral_returnsNull(String remoteAddr) {
    assertNull(IpLiteral.parseRemote(remoteAddr));
  }

  @Test
  void parseRemote_null_returnsNull() {
    assertNull(IpLiteral.parseRemote(null));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        // RFC 5952 §4.2.3: the longest run of zeros is shortened, the first one on a tie.
        "2001:db8:0:0:1:0:0:1 | 2001:db8::1:0:0:1",
        "2001:0:0:1:0:0:0:1 | 2001:0:0:1::1",
        // §4.2.2: a single zero group is not shortened.
        "2001:db8:0:1:1:1:1:1 | 2001:db8:0:1:1:1:1:1",
        "0:0:0:0:0:0:0:0 | ::",
      })
  void format_ipv6_followsRfc5952(String text, String canonical) {
    assertEquals(canonical, IpLiteral.format(IpLiteral.parseBytes(text)));
  }
}
