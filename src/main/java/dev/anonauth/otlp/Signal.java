package dev.anonauth.otlp;

/**
 * The three OTLP/HTTP signals, recognised by path suffix, and what the filter counts as one event of
 * each: a span, a metric data point, a log record.
 */
public enum Signal {
  TRACES("/v1/traces", "resourceSpans", "resource_spans", "scopeSpans", "scope_spans", "spans", "spans"),
  METRICS("/v1/metrics", "resourceMetrics", "resource_metrics", "scopeMetrics", "scope_metrics", "metrics", "metrics"),
  LOGS("/v1/logs", "resourceLogs", "resource_logs", "scopeLogs", "scope_logs", "logRecords", "log_records");

  final String pathSuffix;
  // JSON keys, lowerCamelCase as OTLP/JSON specifies, and the proto field names that the collector's
  // pdata (and protobuf-java's JsonFormat) accept as well: a walker that knew only one spelling could be
  // walked around with the other.
  final String resourcesKey;
  final String resourcesKeyProto;
  final String scopesKey;
  final String scopesKeyProto;
  final String itemsKey;
  final String itemsKeyProto;

  Signal(String pathSuffix, String resourcesKey, String resourcesKeyProto, String scopesKey, String scopesKeyProto,
      String itemsKey, String itemsKeyProto) {
    this.pathSuffix = pathSuffix;
    this.resourcesKey = resourcesKey;
    this.resourcesKeyProto = resourcesKeyProto;
    this.scopesKey = scopesKey;
    this.scopesKeyProto = scopesKeyProto;
    this.itemsKey = itemsKey;
    this.itemsKeyProto = itemsKeyProto;
  }

  /** The signal whose path ({@code /v1/traces}, ...) ends {@code path}, or {@code null}. */
  public static Signal ofPath(String path) {
    for (Signal signal : values()) {
      if (path.endsWith(signal.pathSuffix)) {
        return signal;
      }
    }
    return null;
  }
}
