package dev.anonauth.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.bucket4j.Bucket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BucketStoreTest {

  private final FakeClock clock = new FakeClock();

  private BucketStore store(int capacity) {
    return new BucketStore(capacity, () -> Bucket.builder()
        .addLimit(limit -> limit.capacity(30).refillGreedy(10, Duration.ofSeconds(1)))
        .withCustomTimePrecision(clock)
        .build());
  }

  @Test
  void constructor_capacityZero_throws() {
    assertThrows(IllegalArgumentException.class, () -> store(0));
  }

  @Test
  void bucketFor_sameKey_returnsSameBucket() {
    BucketStore store = store(2);
    assertSame(store.bucketFor("a"), store.bucketFor("a"));
    assertEquals(1, store.size());
  }

  @Test
  void bucketFor_newKeyWhenFull_inheritsLeastRecentlyUsedBucketAsItStands() {
    BucketStore store = store(2);
    Bucket a = store.bucketFor("a");
    Bucket b = store.bucketFor("b");
    a.tryConsume(25);
    Bucket c = store.bucketFor("c");
    assertSame(a, c);
    assertEquals(5, c.getAvailableTokens());
    assertEquals(1, store.handOvers());
    assertEquals(2, store.size());
    assertSame(b, store.bucketFor("a"), "a was evicted: coming back, it takes over b, the LRU one now");
  }

  @Test
  void bucketFor_recentlyUsedKey_isNotTheOneHandedOver() {
    BucketStore store = store(2);
    Bucket a = store.bucketFor("a");
    Bucket b = store.bucketFor("b");
    store.bucketFor("a"); // a is now the most recently used
    assertSame(b, store.bucketFor("c"));
    assertSame(a, store.bucketFor("a"));
  }

  @Test
  void bucketFor_manyMoreKeysThanCapacity_neverHoldsOrCreatesMoreThanCapacity() {
    BucketStore store = store(100);
    for (int i = 0; i < 100_000; i++) {
      store.bucketFor("198.51." + (i >> 8 & 0xff) + "." + (i & 0xff) + "#" + i);
    }
    assertEquals(100, store.size());
    assertEquals(100, store.bucketsCreated());
    assertEquals(100_000 - 100, store.handOvers());
  }
}
