package dev.anonauth.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClientAddressTest {

  @ParameterizedTest(name = "{0} /{1} -> {2}")
  @CsvSource({
    "10.0.0.1, 64, 10.0.0.1",
    "10.0.0.1, 1, 10.0.0.1",
    "::ffff:10.0.0.1, 64, 10.0.0.1",
    "2001:db8:1:2:aaaa:bbbb:cccc:dddd, 64, 2001:db8:1:2::/64",
    "2001:db8:1:2:aaaa:bbbb:cccc:dddd, 48, 2001:db8:1::/48",
    "2001:db8:1:2:aaaa:bbbb:cccc:dddd, 56, 2001:db8:1::/56",
    "2001:db8:1:2ff:aaaa:bbbb:cccc:dddd, 56, 2001:db8:1:200::/56",
    "2001:db8:1:2:aaaa:bbbb:cccc:dddd, 128, 2001:db8:1:2:aaaa:bbbb:cccc:dddd",
    "2001:db8:1:2:aaaa:bbbb:cccc:dddd, 127, 2001:db8:1:2:aaaa:bbbb:cccc:dddc/127",
    "ffff::1, 1, 8000::/1",
    "::1, 64, ::/64",
  })
  void of_address_keysIpv4ByAddressAndIpv6ByPrefix(String address, int prefixLength, String key) {
    assertEquals(key, ClientAddress.of(IpLiteral.parse(address), prefixLength).key());
  }

  @Test
  void of_twoAddressesInOneSlash64_shareAKey() {
    assertEquals(
        ClientAddress.of(IpLiteral.parse("2001:db8:1:2::1"), 64).key(),
        ClientAddress.of(IpLiteral.parse("2001:db8:1:2:ffff:ffff:ffff:ffff"), 64).key());
  }

  @Test
  void of_ipv6_keepsTheFullAddress() {
    assertEquals(IpLiteral.parse("2001:db8::99"), ClientAddress.of(IpLiteral.parse("2001:db8::99"), 64).address());
  }

  @Test
  void new_nullAddress_throws() {
    assertThrows(NullPointerException.class, () -> new ClientAddress(null, "k"));
  }
}
