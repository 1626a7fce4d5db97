package dev.anonauth.bench.flood;

import dev.anonauth.bench.jmh.FakeRequest;
import dev.anonauth.net.ClientIpResolver;
import dev.anonauth.net.IpRanges;
import dev.anonauth.ratelimit.AnonymousRateLimiter;
import dev.anonauth.ratelimit.RateLimitDecision;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jol.info.GraphLayout;

/**
 * The flood benchmark: a million distinct client addresses, each resolved by the filter's
 * {@link ClientIpResolver} from {@code X-Forwarded-For} (so the keys are exactly the filter's) and then
 * admitted and charged 10 events by one {@link AnonymousRateLimiter} with {@code ip_limit} buckets and
 * the default {@code event_limit} (300/s), never waiting. Heap in use (after full GCs) is measured before,
 * when the store has just reached {@code ip_limit}, and after the flood; the object graph reachable from
 * the limiter is also measured with JOL. Run it with {@code -XX:+UseSerialGC} so that "used heap after
 * System.gc()" is exact.
 *
 * <pre>java -XX:+UseSerialGC -Xmx512m -cp ... dev.anonauth.bench.flood.FloodBench [--clients 1000000] [--out target/results/flood.md]</pre>
 */
public final class FloodBench {

  record Result(String keys, int ipLimit, int clients, long admitted, long refused, int tracked, long handOvers,
      long heapAtLimit, long heapGrowthAfter, long graphBytes, double seconds) {
    double bytesPerClientHeap() {
      return heapAtLimit / (double) tracked;
    }

    double bytesPerClientGraph() {
      return graphBytes / (double) tracked;
    }
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    int clients = Integer.parseInt(options.getOrDefault("clients", "1000000"));
    Path out = Path.of(options.getOrDefault("out", "target/results/flood.md"));

    StringBuilder md = new StringBuilder();
    md.append("### Flood: distinct client addresses through ClientIpResolver + AnonymousRateLimiter\n\n");
    md.append(String.format(Locale.ROOT,
        "%,d distinct addresses in `X-Forwarded-For`, each resolved to its key and then `admit` + `chargeEvents(10)` "
            + "(event_limit 300, max_wait 0), one thread, `-XX:+UseSerialGC`. *Heap*: used heap after full GCs once "
            + "the store holds ip_limit clients, minus before; *growth*: used heap after the whole flood minus at "
            + "ip_limit; *graph*: JOL size of everything reachable from the limiter (keys included).\n\n",
        clients));
    md.append("| keys | ip_limit | tracked | hand-overs | admitted / refused | heap at ip_limit | B/client (heap) | "
        + "B/client (graph) | growth after flood | time |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    double worstPerClient = 0;
    long worstGrowth = Long.MIN_VALUE;
    for (String keys : new String[] {"IPv4", "IPv6 /64"}) {
      for (int ipLimit : new int[] {1000, 100_000}) {
        Result r = flood(keys, ipLimit, clients);
        String row = String.format(Locale.ROOT,
            "| %s | %,d | %,d | %,d | %,d / %,d | %,d B | %.0f | %.0f | %,d B | %.1f s |\n",
            r.keys(), r.ipLimit(), r.tracked(), r.handOvers(), r.admitted(), r.refused(), r.heapAtLimit(),
            r.bytesPerClientHeap(), r.bytesPerClientGraph(), r.heapGrowthAfter(), r.seconds());
        System.err.print("[flood] " + row);
        worstPerClient = Math.max(worstPerClient, Math.max(r.bytesPerClientHeap(), r.bytesPerClientGraph()));
        worstGrowth = Math.max(worstGrowth, r.heapGrowthAfter());
        md.append(row);
      }
    }
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, md.toString());
    Files.writeString(Path.of(out.toString().replaceFirst("\\.md$", "") + ".properties"), String.format(Locale.ROOT,
        "bytesPerClient=%.1f%ngrowthBytes=%d%n", worstPerClient, worstGrowth));
    System.out.println(md);
  }

  static Result flood(String keys, int ipLimit, int clients) throws InterruptedException {
    ClientIpResolver resolver = new ClientIpResolver(ClientIpResolver.DEFAULT_HEADERS, IpRanges.none(), 64);
    FakeRequest request = new FakeRequest("POST", "/intake/v3/rum/events", "10.0.0.1");
    boolean v6 = keys.startsWith("IPv6");
    // Warm up first: class initialisation and first-use caches must not be counted as the store's.
    AnonymousRateLimiter warmUp = new AnonymousRateLimiter(300, 64, Duration.ZERO, 0);
    for (int i = 0; i < 10_000; i++) {
      request.header("X-Forwarded-For", v6 ? ipv6(i) : ipv4(i));
      String key = resolver.resolve(request).key();
      warmUp.admit(key);
      warmUp.chargeEvents(key, 10);
    }
    warmUp = null;

    long before = usedHeap();
    AnonymousRateLimiter limiter = new AnonymousRateLimiter(300, ipLimit, Duration.ZERO, 0);
    long admitted = 0;
    long refused = 0;
    long heapAtLimit = 0;
    long start = System.nanoTime();
    for (int i = 0; i < clients; i++) {
      request.header("X-Forwarded-For", v6 ? ipv6(i) : ipv4(i));
      String key = resolver.resolve(request).key();
      RateLimitDecision entry = limiter.admit(key);
      if (entry.allowed() && limiter.chargeEvents(key, 10).allowed()) {
        admitted++;
      } else {
        refused++;
      }
      if (i + 1 == ipLimit) {
        long pause = System.nanoTime();
        heapAtLimit = usedHeap() - before;
        start += System.nanoTime() - pause;
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long after = usedHeap() - before;
    if (limiter.trackedClients() != ipLimit) {
      throw new IllegalStateException("tracked " + limiter.trackedClients() + ", expected " + ipLimit);
    }
    long graph = GraphLayout.parseInstance(limiter).totalSize();
    Result r = new Result(keys, ipLimit, clients, admitted, refused, limiter.trackedClients(), limiter.handOvers(),
        heapAtLimit, after - heapAtLimit, graph, seconds);
    // Keep the limiter reachable until after the last measurement.
    if (limiter.capacity() != ipLimit) {
      throw new AssertionError();
    }
    return r;
  }

  /** Client i as 10.x.y.z plus a second /8 beyond 2^24 (a million fits in 10.0.0.0/8). */
  static String ipv4(int i) {
    return (10 + (i >>> 24)) + "." + (i >> 16 & 0xff) + "." + (i >> 8 & 0xff) + "." + (i & 0xff);
  }

  /** Client i in its own /64: 2001:db8:&lt;hi&gt;:&lt;lo&gt;::1. */
  static String ipv6(int i) {
    return "2001:db8:" + Integer.toHexString(i >>> 16) + ":" + Integer.toHexString(i & 0xffff) + "::1";
  }

  static long usedHeap() throws InterruptedException {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(50);
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
