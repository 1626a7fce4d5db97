package dev.anonauth.otlp;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.internal.otlp.logs.LogsRequestMarshaler;
import io.opentelemetry.exporter.internal.otlp.metrics.MetricsRequestMarshaler;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableGaugeData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableLongPointData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableMetricData;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Export requests as the OpenTelemetry Java SDK encodes them (its own marshalers), in either encoding. */
public final class OtlpSamples {

  private OtlpSamples() {}

  /** A resource shaped like the Elastic Android agent's (no SDK defaults mixed in). */
  public static Resource android(String service) {
    return Resource.create(Attributes.builder()
        .put("service.name", service)
        .put("telemetry.sdk.name", "android")
        .put("telemetry.sdk.language", "java")
        .put("telemetry.sdk.version", "1.2.0")
        .put("os.name", "Android")
        .build());
  }

  /** A resource shaped like the Elastic iOS agent's. */
  public static Resource ios(String service) {
    return Resource.create(Attributes.builder()
        .put("service.name", service)
        .put("telemetry.sdk.name", "iOS")
        .put("telemetry.sdk.language", "swift")
        .put("os.name", "iOS")
        .build());
  }

  public static List<SpanData> spans(Resource resource, int count) {
    List<SpanData> spans = new ArrayList<>();
    SpanExporter collecting = new SpanExporter() {
      @Override
      public CompletableResultCode export(Collection<SpanData> batch) {
        spans.addAll(batch);
        return CompletableResultCode.ofSuccess();
      }

      @Override
      public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
      }

      @Override
      public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
      }
    };
    try (SdkTracerProvider provider = SdkTracerProvider.builder()
        .setResource(resource).addSpanProcessor(SimpleSpanProcessor.create(collecting)).build()) {
      for (int i = 0; i < count; i++) {
        provider.get("test").spanBuilder("span-" + i).setAttribute("i", i).startSpan().end();
      }
    }
    return spans;
  }

  static List<LogRecordData> logs(Resource resource, int count) {
    List<LogRecordData> logs = new ArrayList<>();
    LogRecordExporter collecting = new LogRecordExporter() {
      @Override
      public CompletableResultCode export(Collection<LogRecordData> batch) {
        logs.addAll(batch);
        return CompletableResultCode.ofSuccess();
      }

      @Override
      public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
      }

      @Override
      public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
      }
    };
    try (SdkLoggerProvider provider = SdkLoggerProvider.builder()
        .setResource(resource).addLogRecordProcessor(SimpleLogRecordProcessor.create(collecting)).build()) {
      for (int i = 0; i < count; i++) {
        provider.get("test").logRecordBuilder().setBody("log " + i).emit();
      }
    }
    return logs;
  }

  /** One gauge per entry of {@code pointsPerMetric}, with that many points. */
  static List<MetricData> metrics(Resource resource, int... pointsPerMetric) {
    List<MetricData> metrics = new ArrayList<>();
    for (int m = 0; m < pointsPerMetric.length; m++) {
      List<io.opentelemetry.sdk.metrics.data.LongPointData> points = new ArrayList<>();
      for (int p = 0; p < pointsPerMetric[m]; p++) {
        points.add(ImmutableLongPointData.create(0, 1, Attributes.of(AttributeKey.longKey("p"), (long) p), p));
      }
      metrics.add(ImmutableMetricData.createLongGauge(
          resource, InstrumentationScopeInfo.create("test"), "metric-" + m, "", "1", ImmutableGaugeData.create(points)));
    }
    return metrics;
  }

  public static byte[] traces(Encoding encoding, Collection<SpanData> spans) {
    TraceRequestMarshaler marshaler = TraceRequestMarshaler.create(spans);
    return encode(encoding, out -> {
      if (encoding == Encoding.PROTOBUF) {
        marshaler.writeBinaryTo(out);
      } else {
        marshaler.writeJsonTo(out);
      }
    });
  }

  static byte[] metrics(Encoding encoding, Collection<MetricData> metrics) {
    MetricsRequestMarshaler marshaler = MetricsRequestMarshaler.create(metrics);
    return encode(encoding, out -> {
      if (encoding == Encoding.PROTOBUF) {
        marshaler.writeBinaryTo(out);
      } else {
        marshaler.writeJsonTo(out);
      }
    });
  }

  static byte[] logs(Encoding encoding, Collection<LogRecordData> logs) {
    LogsRequestMarshaler marshaler = LogsRequestMarshaler.create(logs);
    return encode(encoding, out -> {
      if (encoding == Encoding.PROTOBUF) {
        marshaler.writeBinaryTo(out);
      } else {
        marshaler.writeJsonTo(out);
      }
    });
  }

  private interface Writer {
    void write(ByteArrayOutputStream out) throws IOException;
  }

  private static byte[] encode(Encoding encoding, Writer writer) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      writer.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
