package dev.anonauth.ratelimit;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.LongAdder;

/**
 * Not a test: measures heap per tracked client and lookup throughput, for the operator docs.
 *
 * <pre>
 * mvn -B -q test-compile
 * java -Xmx1g -cp target/classes:target/test-classes:$HOME/.m2/repository/com/bucket4j/bucket4j_jdk17-core/8.14.0/bucket4j_jdk17-core-8.14.0.jar \
 *   dev.anonauth.ratelimit.FootprintProbe
 * </pre>
 */
final class FootprintProbe {

  private FootprintProbe() {}

  public static void main(String[] args) throws Exception {
    int clients = 100_000;
    // Keys built before the baseline: the filter's keys are strings it already holds.
    String[] keys = new String[clients];
    for (int i = 0; i < clients; i++) {
      keys[i] = "10." + (i >> 16 & 0xff) + "." + (i >> 8 & 0xff) + "." + (i & 0xff);
    }
    long before = usedHeap();
    AnonymousRateLimiter limiter = new AnonymousRateLimiter(300, clients, Duration.ofSeconds(1), 16);
    for (String key : keys) {
      limiter.admit(key);
    }
    long after = usedHeap();
    System.out.printf("tracked %d clients: %.1f bytes per client (keys not counted)%n",
        limiter.trackedClients(), (after - before) / (double) clients);

    for (int threads : new int[] {1, 2, 8}) {
      System.out.printf("%d thread(s), admit on random keys over a full store: %.2f M decisions/s%n",
          threads, throughput(limiter, keys, threads) / 1e6);
    }
  }

  private static double throughput(AnonymousRateLimiter limiter, String[] keys, int threads) throws Exception {
    LongAdder done = new LongAdder();
    long runNanos = Duration.ofSeconds(2).toNanos();
    CyclicBarrier start = new CyclicBarrier(threads + 1);
    Thread[] workers = new Thread[threads];
    for (int t = 0; t < threads; t++) {
      int seed = t;
      workers[t] = new Thread(() -> {
        try {
          start.await();
        } catch (Exception e) {
          return;
        }
        long end = System.nanoTime() + runNanos;
        int i = seed * 7919;
        long n = 0;
        while (System.nanoTime() < end) {
          i = (i * 1_103_515_245 + 12_345) & 0x7fffffff;
          limiter.admit(keys[i % keys.length]);
          n++;
        }
        done.add(n);
      });
      workers[t].start();
    }
    start.await();
    for (Thread w : workers) {
      w.join();
    }
    return done.sum() / (runNanos / 1e9);
  }

  private static long usedHeap() throws InterruptedException {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return memory.getHeapMemoryUsage().getUsed();
  }
}
