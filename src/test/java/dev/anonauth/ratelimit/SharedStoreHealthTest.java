package dev.anonauth.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SharedStoreHealthTest {

  static final long INTERVAL = Duration.ofSeconds(1).toNanos();

  final AtomicLong now = new AtomicLong(Duration.ofDays(1).toNanos());
  final List<String> events = new ArrayList<>();
  final SharedStoreHealth health = new SharedStoreHealth(now::get, INTERVAL, new SharedStoreHealth.Listener() {
    @Override
    public void wentDown(Throwable cause) {
      events.add("down: " + cause.getMessage());
    }

    @Override
    public void cameBack(long downNanos, long decidedWithoutStore) {
      events.add("up after " + Duration.ofNanos(downNanos).toMillis() + "ms, " + decidedWithoutStore + " without");
    }
  });

  @Test
  void shouldAsk_whileUp_always() {
    for (int i = 0; i < 100; i++) {
      assertTrue(health.shouldAsk());
    }
    assertFalse(health.isDown());
  }

  @Test
  void failed_manyTimes_reportedOnce() {
    for (int i = 0; i < 1000; i++) {
      health.failed(new RuntimeException("connection refused"));
    }
    assertEquals(List.of("down: connection refused"), events);
    assertTrue(health.isDown());
  }

  @Test
  void shouldAsk_whileDown_onlyOneRequestPerInterval() {
    health.failed(new RuntimeException("timeout"));
    for (int i = 0; i < 50; i++) {
      assertFalse(health.shouldAsk(), "within the interval nobody asks");
    }
    now.addAndGet(INTERVAL);
    assertTrue(health.shouldAsk(), "the first request after the interval probes");
    for (int i = 0; i < 50; i++) {
      assertFalse(health.shouldAsk(), "the others do not wait on a store that may still be down");
    }
  }

  @Test
  void succeeded_afterOutage_reportedOnceWithDurationAndCount() {
    health.failed(new RuntimeException("timeout"));
    for (int i = 0; i < 7; i++) {
      health.shouldAsk();
    }
    now.addAndGet(INTERVAL + Duration.ofMillis(500).toNanos());
    assertTrue(health.shouldAsk());
    health.succeeded();
    health.succeeded();
    assertEquals(List.of("down: timeout", "up after 1500ms, 7 without"), events);
    assertFalse(health.isDown());
    assertTrue(health.shouldAsk());
  }

  @Test
  void failedProbe_staysDownSilently_andWaitsAnotherInterval() {
    health.failed(new RuntimeException("timeout"));
    now.addAndGet(INTERVAL);
    assertTrue(health.shouldAsk());
    health.failed(new RuntimeException("still down"));
    assertFalse(health.shouldAsk());
    assertEquals(List.of("down: timeout"), events);
  }
}
