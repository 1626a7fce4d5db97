package dev.anonauth.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecentlyLimitedTest {

  @Test
  void limited_sameKeyAgain_countsAndMovesItsTimeInOneEntry() {
    RecentlyLimited ring = new RecentlyLimited(4);
    ring.limited("203.0.113.1", 1_000);
    ring.limited("203.0.113.2", 2_000);
    ring.limited("203.0.113.1", 3_000);
    assertEquals(List.of(
            new LimitedClient("203.0.113.1", Instant.ofEpochMilli(3_000), 2),
            new LimitedClient("203.0.113.2", Instant.ofEpochMilli(2_000), 1)),
        ring.snapshot());
  }

  @Test
  void limited_moreKeysThanSlots_keepsOnlyTheLastOnes() {
    RecentlyLimited ring = new RecentlyLimited(32);
    for (int i = 0; i < 10_000; i++) {
      ring.limited("198.51.100." + i, i);
    }
    List<LimitedClient> clients = ring.snapshot();
    assertEquals(32, clients.size());
    assertEquals("198.51.100.9999", clients.get(0).key());
    assertEquals("198.51.100.9968", clients.get(31).key());
  }

  @Test
  void top_ordersByTimesLimited() {
    RecentlyLimited ring = new RecentlyLimited(8);
    ring.limited("a", 1);
    for (int i = 0; i < 5; i++) {
      ring.limited("b", 2);
    }
    ring.limited("c", 3);
    ring.limited("c", 4);
    assertEquals(List.of("b", "c"), ring.top(2).stream().map(LimitedClient::key).toList());
  }

  @Test
  void constructor_sizeZero_throws() {
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new RecentlyLimited(0));
  }
}
