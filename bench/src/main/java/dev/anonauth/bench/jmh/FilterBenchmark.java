package dev.anonauth.bench.jmh;

import dev.anonauth.AnonymousAuthFilter;
import dev.anonauth.bench.FilterSetup;
import dev.anonauth.bench.Payloads;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The whole decision path: {@link AnonymousAuthFilter#doFilter} up to the call into the chain, with the
 * configuration of {@link FilterSetup}. The anonymous case rotates {@code X-Forwarded-For} over
 * {@value FilterSetup#CLIENTS} clients (client IP → credentials → entry token → decode + allowlists →
 * event charge → chain); the authenticated case sends the secret token (client IP is not even looked at).
 * A teardown check fails the run unless every call reached the chain.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class FilterBenchmark {

  @State(Scope.Thread)
  public static class Anonymous {
    @Param({"v2-plain", "v2-gzip", "v3-plain", "v3-gzip"})
    public String payload;

    Setup setup;
    List<List<String>> forwardedFor;
    int next;

    @org.openjdk.jmh.annotations.Setup
    public void setUp() throws ServletException {
      Payloads p = Payloads.of(payload.substring(0, 2));
      boolean gzip = payload.endsWith("gzip");
      setup = new Setup(p, gzip ? p.gzip() : p.plain(), gzip, null);
      forwardedFor = new java.util.ArrayList<>();
      for (int i = 0; i < FilterSetup.CLIENTS; i++) {
        forwardedFor.add(List.of(FilterSetup.clientIp(i)));
      }
    }

    @TearDown(Level.Iteration)
    public void check() {
      setup.check();
    }
  }

  @State(Scope.Thread)
  public static class Authenticated {
    Setup setup;

    @org.openjdk.jmh.annotations.Setup
    public void setUp() throws ServletException {
      Payloads p = Payloads.V3;
      setup = new Setup(p, p.gzip(), true, "Bearer " + FilterSetup.SECRET);
    }

    @TearDown(Level.Iteration)
    public void check() {
      setup.check();
    }
  }

  @Benchmark
  public int anonymous(Anonymous state) throws IOException, ServletException {
    Setup s = state.setup;
    s.request.headerValues("X-Forwarded-For", state.forwardedFor.get(state.next++ & (FilterSetup.CLIENTS - 1)));
    return s.call();
  }

  @Benchmark
  public int authenticatedBearer(Authenticated state) throws IOException, ServletException {
    return state.setup.call();
  }

  /** One filter and one reusable request/response pair. */
  static final class Setup {
    final AnonymousAuthFilter filter = new AnonymousAuthFilter();
    final FakeRequest request;
    final FakeResponse response = new FakeResponse();
    final CountingChain chain = new CountingChain();
    long calls;

    Setup(Payloads payload, byte[] body, boolean gzip, String authorization) throws ServletException {
      filter.init(filterConfig(FilterSetup.initParams()));
      request = new FakeRequest("POST", payload.path(), "10.0.0.1")
          .header("Content-Type", "application/x-ndjson")
          .header("X-Forwarded-For", FilterSetup.clientIp(0))
          .header("Content-Length", Integer.toString(body.length))
          .body(body);
      if (gzip) {
        request.header("Content-Encoding", "gzip");
      }
      if (authorization != null) {
        request.header("Authorization", authorization);
      }
    }

    int call() throws IOException, ServletException {
      request.rewind();
      calls++;
      filter.doFilter(request, response, chain);
      return response.getStatus();
    }

    void check() {
      if (chain.passed != calls || response.getStatus() != 200) {
        throw new IllegalStateException("only " + chain.passed + " of " + calls
            + " requests reached the chain (last status " + response.getStatus() + ")");
      }
    }
  }

  static final class CountingChain implements FilterChain {
    long passed;

    @Override
    public void doFilter(ServletRequest request, ServletResponse response) {
      passed++;
    }
  }

  static FilterConfig filterConfig(Map<String, String> params) {
    ServletContext context = (ServletContext) Proxy.newProxyInstance(
        ServletContext.class.getClassLoader(),
        new Class<?>[] {ServletContext.class},
        (proxy, method, args) -> switch (method.getName()) {
          case "setAttribute", "removeAttribute", "log" -> null;
          case "getAttribute", "getInitParameter" -> null;
          case "getContextPath" -> "";
          case "toString" -> "bench context";
          default -> throw new UnsupportedOperationException("ServletContext." + method.getName());
        });
    return new FilterConfig() {
      @Override
      public String getFilterName() {
        return "anonymous-auth";
      }

      @Override
      public ServletContext getServletContext() {
        return context;
      }

      @Override
      public String getInitParameter(String name) {
        return params.get(name);
      }

      @Override
      public Enumeration<String> getInitParameterNames() {
        return Collections.enumeration(params.keySet());
      }
    };
  }
}
