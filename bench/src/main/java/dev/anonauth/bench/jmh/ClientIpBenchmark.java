package dev.anonauth.bench.jmh;

import dev.anonauth.net.ClientAddress;
import dev.anonauth.net.ClientIpResolver;
import dev.anonauth.net.IpRanges;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Client-address resolution ({@link ClientIpResolver#resolve}), the first step of every anonymous request.
 * The request carries {@code X-Forwarded-For: 203.0.113.7, 10.0.0.2} from peer {@code 10.0.0.1} and no
 * {@code Forwarded} or {@code X-Real-Ip}, so the default chain looks up two absent headers first.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ClientIpBenchmark {

  private ClientIpResolver apmMode;
  private ClientIpResolver trustedProxyMode;
  private FakeRequest viaProxy;
  private FakeRequest ipv6ViaProxy;

  @Setup
  public void setUp() {
    apmMode = new ClientIpResolver(ClientIpResolver.DEFAULT_HEADERS, IpRanges.none(), 64);
    trustedProxyMode = new ClientIpResolver(ClientIpResolver.DEFAULT_HEADERS, IpRanges.parse("10.0.0.0/8"), 64);
    viaProxy = new FakeRequest("POST", "/intake/v3/rum/events", "10.0.0.1")
        .header("X-Forwarded-For", "203.0.113.7, 10.0.0.2");
    ipv6ViaProxy = new FakeRequest("POST", "/intake/v3/rum/events", "10.0.0.1")
        .header("X-Forwarded-For", "2001:db8:1:2:3:4:5:6, 10.0.0.2");
    expect(apmMode.resolve(viaProxy), "203.0.113.7");
    expect(trustedProxyMode.resolve(viaProxy), "203.0.113.7");
    expect(apmMode.resolve(ipv6ViaProxy), "2001:db8:1:2::/64");
  }

  private static void expect(ClientAddress actual, String key) {
    if (!actual.key().equals(key)) {
      throw new IllegalStateException("resolved " + actual.key() + ", expected " + key);
    }
  }

  /** APM mode (no trusted proxies): left-most X-Forwarded-For entry. */
  @Benchmark
  public ClientAddress apmModeXForwardedFor() {
    return apmMode.resolve(viaProxy);
  }

  /** APM mode, an IPv6 client keyed by its /64. */
  @Benchmark
  public ClientAddress apmModeXForwardedForIpv6() {
    return apmMode.resolve(ipv6ViaProxy);
  }

  /** Trusted proxies 10.0.0.0/8: walk X-Forwarded-For from the right, skipping trusted hops. */
  @Benchmark
  public ClientAddress trustedProxyXForwardedFor() {
    return trustedProxyMode.resolve(viaProxy);
  }
}
