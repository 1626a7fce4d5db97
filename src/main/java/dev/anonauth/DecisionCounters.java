package dev.anonauth;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** How many requests ended in each outcome; cheap to bump from many threads. */
final class DecisionCounters {

  private final ConcurrentHashMap<String, LongAdder> counts = new ConcurrentHashMap<>();

  void increment(String outcome) {
    counts.computeIfAbsent(outcome, name -> new LongAdder()).increment();
  }

  /** A sorted copy: outcome → count. */
  Map<String, Long> snapshot() {
    Map<String, Long> copy = new TreeMap<>();
    counts.forEach((outcome, count) -> copy.put(outcome, count.sum()));
    return copy;
  }
}
