package dev.anonauth.bench;

import dev.anonauth.intake.Action;
import dev.anonauth.intake.AnonymousRequestInspector;
import dev.anonauth.intake.Inspection;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** {@code inspect} of a typical RUM request, as the filter calls it, for the shared v2 and v3 samples. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class InspectBenchmark {

  @Param({"intake-v2-transactions_spans_rum.ndjson", "intake-v3-rum_events.ndjson"})
  public String payload;

  @Param({"plain", "gzip"})
  public String encoding;

  private AnonymousRequestInspector inspector;
  private byte[] body;
  private String contentEncoding;

  @Setup
  public void setUp() throws IOException {
    inspector = new AnonymousRequestInspector(
        Set.of("rum-js", "js-base"), Set.of(),
        AnonymousRequestInspector.DEFAULT_MAX_EVENT_SIZE, AnonymousRequestInspector.DEFAULT_MAX_REQUEST_SIZE);
    try (InputStream in = InspectBenchmark.class.getResourceAsStream("/intake/" + payload)) {
      body = in.readAllBytes();
    }
    if (encoding.equals("gzip")) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
        out.write(body);
      }
      body = bytes.toByteArray();
      contentEncoding = "gzip";
    }
    if (!(inspector.inspect(Action.EVENT_INGEST, request()) instanceof Inspection.Admitted)) {
      throw new IllegalStateException("the sample must be admitted");
    }
  }

  @Benchmark
  public Inspection inspect() throws IOException {
    return inspector.inspect(Action.EVENT_INGEST, request());
  }

  /** A minimal request without Mockito: a dynamic proxy answering what the inspector asks. */
  private HttpServletRequest request() {
    ServletInputStream stream = new Body(body);
    return (HttpServletRequest) Proxy.newProxyInstance(
        HttpServletRequest.class.getClassLoader(),
        new Class<?>[] {HttpServletRequest.class},
        (proxy, method, args) -> {
          switch (method.getName()) {
            case "getInputStream":
              return stream;
            case "getContentLengthLong":
              return (long) body.length;
            case "getContentLength":
              return body.length;
            case "getMethod":
              return "POST";
            case "getHeader":
              return "Content-Encoding".equalsIgnoreCase((String) args[0]) ? contentEncoding : null;
            case "hashCode":
              return System.identityHashCode(proxy);
            case "equals":
              return proxy == args[0];
            default:
              return method.getReturnType() == boolean.class ? Boolean.FALSE : null;
          }
        });
  }

  private static final class Body extends ServletInputStream {
    private final byte[] bytes;
    private int position;

    Body(byte[] bytes) {
      this.bytes = bytes;
    }

    @Override
    public int read() {
      return position < bytes.length ? bytes[position++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (position >= bytes.length) {
        return -1;
      }
      int n = Math.min(len, bytes.length - position);
      System.arraycopy(bytes, position, b, off, n);
      position += n;
      return n;
    }

    @Override
    public boolean isFinished() {
      return position >= bytes.length;
    }

    @Override
    public boolean isReady() {
      return true;
    }

    @Override
    public void setReadListener(ReadListener listener) {
      throw new UnsupportedOperationException();
    }
  }
}
