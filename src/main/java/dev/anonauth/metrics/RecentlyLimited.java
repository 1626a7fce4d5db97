package dev.anonauth.metrics;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The clients most recently refused by the rate limiter, in a fixed-size ring: memory is bounded by
 * its size whatever the attack. A client already in the ring has its count and time bumped (no
 * allocation); a new one overwrites the slot written longest ago. Lock-free; two threads adding the
 * same new key at once may take two slots, which {@link #snapshot} merges.
 */
final class RecentlyLimited {

  static final int DEFAULT_SIZE = 32;

  private static final class Slot {
    final String key;
    final int hash;
    /** A flood from one client bumps one slot from every thread: an adder, not one contended CAS. */
    final LongAdder times = new LongAdder();
    volatile long lastMillis;

    Slot(String key, long nowMillis) {
      this.key = key;
      this.hash = key.hashCode();
      this.lastMillis = nowMillis;
      this.times.increment();
    }
  }

  private final AtomicReferenceArray<Slot> slots;
  private final AtomicLong writes = new AtomicLong();

  RecentlyLimited(int size) {
    if (size < 1) {
      throw new IllegalArgumentException("size was " + size + ", must be >= 1");
    }
    this.slots = new AtomicReferenceArray<>(size);
  }

  void limited(String key, long nowMillis) {
    int hash = key.hashCode();
    for (int i = 0; i < slots.length(); i++) {
      Slot slot = slots.get(i);
      if (slot != null && slot.hash == hash && slot.key.equals(key)) {
        slot.times.increment();
        if (slot.lastMillis < nowMillis) { // at most one shared write a millisecond
          slot.lastMillis = nowMillis;
        }
        return;
      }
    }
    slots.set((int) (writes.getAndIncrement() % slots.length()), new Slot(key, nowMillis));
  }

  /** Most recently limited first. */
  List<LimitedClient> snapshot() {
    Map<String, long[]> merged = new LinkedHashMap<>();
    for (int i = 0; i < slots.length(); i++) {
      Slot slot = slots.get(i);
      if (slot != null) {
        long[] figures = merged.computeIfAbsent(slot.key, k -> new long[2]);
        figures[0] = Math.max(figures[0], slot.lastMillis);
        figures[1] += slot.times.sum();
      }
    }
    List<LimitedClient> clients = new ArrayList<>(merged.size());
    merged.forEach((key, figures) -> clients.add(new LimitedClient(key, Instant.ofEpochMilli(figures[0]), figures[1])));
    clients.sort(Comparator.comparing(LimitedClient::lastLimited).reversed());
    return clients;
  }

  /** The {@code n} clients limited most often among those in the ring, most first. */
  List<LimitedClient> top(int n) {
    List<LimitedClient> clients = new ArrayList<>(snapshot());
    clients.sort(Comparator.comparingLong(LimitedClient::times).reversed());
    return clients.subList(0, Math.min(n, clients.size()));
  }
}
