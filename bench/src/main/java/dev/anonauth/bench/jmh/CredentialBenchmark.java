package dev.anonauth.bench.jmh;

import dev.anonauth.bench.FilterSetup;
import dev.anonauth.config.ConfigurationException;
import dev.anonauth.config.ConfigurationParser;
import dev.anonauth.credential.Authentication;
import dev.anonauth.credential.Authenticator;
import dev.anonauth.credential.Privilege;
import java.util.Optional;
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

/** The credential check ({@link Authenticator#authenticate}) with the secret token configured. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class CredentialBenchmark {

  private static final Optional<Privilege> EVENT_WRITE = Optional.of(Privilege.EVENT_WRITE);

  private Authenticator authenticator;
  private String bearer;
  private String wrongBearer;

  @Setup
  public void setUp() throws ConfigurationException {
    authenticator = Authenticator.from(ConfigurationParser.parse(FilterSetup.initParams()));
    // Built at run time, as a header value would be: not a compile-time constant the JIT could fold.
    bearer = new StringBuilder("Bearer ").append(FilterSetup.SECRET).toString();
    wrongBearer = new StringBuilder("Bearer ").append(FilterSetup.SECRET).reverse().toString();
    if (!(authenticator.authenticate(bearer, EVENT_WRITE) instanceof Authentication.Authenticated)
        || !(authenticator.authenticate(null, EVENT_WRITE) instanceof Authentication.Anonymous)
        || !(authenticator.authenticate(wrongBearer, EVENT_WRITE) instanceof Authentication.Refused)) {
      throw new IllegalStateException("unexpected authentication outcome");
    }
  }

  /** {@code Authorization: Bearer <secret>}: SHA-256 of the candidate, constant-time compare. */
  @Benchmark
  public Authentication bearerValid() {
    return authenticator.authenticate(bearer, EVENT_WRITE);
  }

  /** {@code Authorization: Bearer <wrong>}: same work, refused. */
  @Benchmark
  public Authentication bearerWrong() {
    return authenticator.authenticate(wrongBearer, EVENT_WRITE);
  }

  /** No {@code Authorization} header: anonymous. */
  @Benchmark
  public Authentication noHeaderAnonymous() {
    return authenticator.authenticate(null, EVENT_WRITE);
  }
}
