package dev.anonauth.ratelimit;

import io.github.bucket4j.Bucket;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The client key → bucket map, bounded to {@code capacity} entries, in which a newcomer inherits the
 * bucket of the least recently used client instead of getting a fresh one (as the APM Server hands
 * its evicted LRU limiter to the new IP).
 *
 * <p><b>Why the rotation guarantee holds.</b> A fresh bucket is created only while fewer than
 * {@code capacity} keys are held; from then on every newcomer takes over an existing bucket object,
 * tokens left and all. So no more than {@code capacity} bucket objects ever exist for one store, and
 * every token ever granted was granted by one of them. Whatever the rotation, the tokens granted over
 * any time {@code T} are at most {@code capacity × (burst + rate × T)}. This holds even for a request
 * that still holds a bucket its key has just lost: it keeps drawing from the same bucket, never from
 * a new one.
 *
 * <p><b>Why an exact LRU under one lock rather than a Caffeine cache.</b> Caffeine picks its victim
 * (by W-TinyLFU, possibly the newcomer itself) only <em>after</em> the newcomer's entry is in, and may
 * run above its maximum while writes are buffered, so the newcomer needs a bucket before any victim's
 * bucket is free; handing it a fresh one breaks the bound by however many inserts race, and refusing
 * it instead would refuse honest clients whenever the store is full. Making that exact means
 * re-implementing "evict now, hand over" on top of Caffeine's policy API. A {@link LinkedHashMap} in
 * access order does it in O(1) per lookup, exactly, in a few lines. The lock is held only for the
 * hash lookup and relinking (no token arithmetic, no waiting), which is far below the cost of the HTTP
 * request that pays for it.
 *
 * <p>The price of strict LRU, shared with the APM Server: a flood of more than {@code capacity}
 * addresses pushes honest clients out, and when they come back they inherit a drained bucket. The
 * guarantee is a global bound on what anonymous clients get, not fairness among them.
 */
final class BucketStore {

  private final int capacity;
  private final Supplier<Bucket> freshBucket;
  private final ReentrantLock lock = new ReentrantLock();
  /** Access-ordered: the first entry is the least recently used. Guarded by {@link #lock}. */
  private final LinkedHashMap<String, Bucket> byKey = new LinkedHashMap<>(16, 0.75f, true);

  // Written under the lock, read without it by the metrics getters.
  private volatile int size;
  private volatile long handOvers;
  private volatile int bucketsCreated;

  BucketStore(int capacity, Supplier<Bucket> freshBucket) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity was " + capacity + ", must be >= 1");
    }
    this.capacity = capacity;
    this.freshBucket = freshBucket;
  }

  /**
   * The bucket of {@code key}, marking it most recently used. A new key gets a fresh bucket while the
   * store has room, else the least recently used key's bucket as it stands.
   */
  Bucket bucketFor(String key) {
    lock.lock();
    try {
      Bucket bucket = byKey.get(key);
      if (bucket != null) {
        return bucket;
      }
      if (byKey.size() < capacity) {
        bucket = freshBucket.get();
        bucketsCreated++;
      } else {
        Iterator<Map.Entry<String, Bucket>> eldest = byKey.entrySet().iterator();
        bucket = eldest.next().getValue();
        eldest.remove();
        handOvers++;
      }
      byKey.put(key, bucket);
      size = byKey.size();
      return bucket;
    } finally {
      lock.unlock();
    }
  }

  /** Keys held now; never more than {@link #capacity()}. */
  int size() {
    return size;
  }

  int capacity() {
    return capacity;
  }

  /** How many times a newcomer took over the least recently used key's bucket. */
  long handOvers() {
    return handOvers;
  }

  /** Bucket objects ever created; never more than {@link #capacity()} (the rotation guarantee). */
  int bucketsCreated() {
    return bucketsCreated;
  }
}
