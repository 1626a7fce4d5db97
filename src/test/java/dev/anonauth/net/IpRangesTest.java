package dev.anonauth.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpRangesTest {

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(strings = {"", "   ", " \t "})
  void parse_blank_givesEmptySet(String text) {
    IpRanges ranges = IpRanges.parse(text);

    assertTrue(ranges.isEmpty());
    assertFalse(ranges.contains(IpLiteral.parse("10.0.0.1")));
    assertEquals("none", ranges.toString());
  }

  @Test
  void parse_null_givesEmptySet() {
    assertTrue(IpRanges.parse(null).isEmpty());
  }

  @Test
  void toString_mixedEntries_listsCanonicalCidrBlocks() {
    IpRanges ranges = IpRanges.parse(" 10.0.0.0/8 ,192.168.1.7, 2001:DB8:0::/32,::1 , ::ffff:172.16.0.0/108");

    assertEquals("10.0.0.0/8, 192.168.1.7/32, 2001:db8::/32, ::1/128, 172.16.0.0/12", ranges.toString());
  }

  @ParameterizedTest(name = "{0} contains {1}: {2}")
  @CsvSource({
    "10.0.0.0/8, 10.255.255.255, true",
    "10.0.0.0/8, 11.0.0.0, false",
    "10.0.0.0/8, ::ffff:10.1.2.3, true",
    "192.168.1.7, 192.168.1.7, true",
    "192.168.1.7, 192.168.1.8, false",
    "0.0.0.0/0, 203.0.113.9, true",
    "0.0.0.0/0, 2001:db8::1, false",
    "::/0, 2001:db8::1, true",
    "::/0, 10.0.0.1, false",
    "2001:db8::/32, 2001:db8:ffff::1, true",
    "2001:db8::/32, 2001:db9::1, false",
    "::1, ::1, true",
    "::1, 127.0.0.1, false",
    "::ffff:10.0.0.0/104, 10.9.9.9, true",
    "172.16.0.0/12, 172.31.255.255, true",
    "172.16.0.0/12, 172.32.0.0, false",
  })
  void contains_address_matchesPrefixBits(String ranges, String address, boolean expected) {
    assertEquals(expected, IpRanges.parse(ranges).contains(IpLiteral.parse(address)));
  }

  @Test
  void contains_null_isFalse() {
    assertFalse(IpRanges.parse("0.0.0.0/0").contains(null));
  }

  @ParameterizedTest(name = "[{0}] -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "10.0.0.0/33 | '10.0.0.0/33' (prefix length must be 0..32 for IPv4)",
        "2001:db8::/129 | '2001:db8::/129' (prefix length must be 0..128 for IPv6)",
        "10.0.0.0/-1 | '10.0.0.0/-1' (prefix length must be a number 0..32 for IPv4)",
        "10.0.0.0/ | '10.0.0.0/' (prefix length must be a number 0..32 for IPv4)",
        "10.0.0.0/08 | '10.0.0.0/08' (prefix length must be a number 0..32 for IPv4)",
        "10.0.0.0/8/8 | '10.0.0.0/8/8' (prefix length must be a number 0..32 for IPv4)",
        "host.name/8 | 'host.name/8' (not an IPv4 or IPv6 address)",
        "localhost | 'localhost' (not an IPv4 or IPv6 address)",
        "010.0.0.0/8 | '010.0.0.0/8' (not an IPv4 or IPv6 address)",
        "fe80::/10%eth0 | 'fe80::/10%eth0' (prefix length must be a number 0..128 for IPv6)",
        "10.0.0.1/8 | '10.0.0.1/8' (host bits set beyond /8, did you mean 10.0.0.0/8?)",
        "2001:db8::1/32 | '2001:db8::1/32' (host bits set beyond /32, did you mean 2001:db8::/32?)",
        "::ffff:10.0.0.0/95 | '::ffff:10.0.0.0/95' (an IPv4-mapped block needs a prefix length of 96..128)",
      })
  void parse_badEntry_namesEntryAndReason(String entry, String problem) {
    IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class, () -> IpRanges.parse(entry));

    assertEquals(
        "invalid IP range: " + problem + "; accepted: comma-separated CIDR blocks or single addresses, e.g. "
            + "192.168.0.0/16, 10.0.0.0/8, 2001:db8::/32 or a single address such as 192.0.2.7",
        thrown.getMessage());
  }

  @Test
  void parse_severalBadEntries_listsEveryOneInOneMessage() {
    IllegalArgumentException thrown =
        assertThrows(
            IllegalArgumentException.class,
            () -> IpRanges.parse("10.0.0.0/8, 10.0.0.0/33, host.name/8, 192.168.0.0/16, 2001:db8::/129, , 1.2.3.4/-1"));

    assertEquals(
        "invalid IP ranges: '10.0.0.0/33' (prefix length must be 0..32 for IPv4), "
            + "'host.name/8' (not an IPv4 or IPv6 address), "
            + "'2001:db8::/129' (prefix length must be 0..128 for IPv6), "
            + "'' (empty entry), "
            + "'1.2.3.4/-1' (prefix length must be a number 0..32 for IPv4); "
            + "accepted: comma-separated CIDR blocks or single addresses, e.g. "
            + "192.168.0.0/16, 10.0.0.0/8, 2001:db8::/32 or a single address such as 192.0.2.7",
        thrown.getMessage());
  }

  @Test
  void parse_duplicateBlocks_keepsOne() {
    assertEquals("10.0.0.0/8", IpRanges.parse("10.0.0.0/8, 10.0.0.0/8, ::ffff:10.0.0.0/104").toString());
  }

  @Test
  void equals_sameBlocks_isEqual() {
    assertEquals(IpRanges.parse("10.0.0.0/8, ::1"), IpRanges.parse("10.0.0.0/8,0:0:0:0:0:0:0:1/128"));
  }
}
