package dev.anonauth.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.zip.GZIPOutputStream;

/**
 * The RUM intake payloads the benchmarks send: real agent output from the APM Server's test data
 * (see {@code src/main/resources/intake/NOTICE.md}).
 */
public enum Payloads {
  /** RUM agent ({@code rum-js}), intake v2: metadata, one transaction, spans. */
  V2("intake-v2-transactions_spans_rum.ndjson", "/intake/v2/rum/events"),
  /** RUM agent ({@code js-base}), intake v3: metadata, a page-load transaction with spans and metricsets. */
  V3("intake-v3-rum_events.ndjson", "/intake/v3/rum/events");

  private final String file;
  private final String path;

  Payloads(String file, String path) {
    this.file = file;
    this.path = path;
  }

  /** The endpoint the agent posts this payload to. */
  public String path() {
    return path;
  }

  public byte[] plain() {
    try (InputStream in = Payloads.class.getResourceAsStream("/intake/" + file)) {
      if (in == null) {
        throw new IllegalStateException("missing resource /payloads/" + file);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The payload gzipped, as the RUM agent sends it when the browser has CompressionStream. */
  public byte[] gzip() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(plain());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  public static Payloads of(String name) {
    return valueOf(name.toUpperCase(java.util.Locale.ROOT));
  }
}
