package dev.anonauth.otlp;

import static dev.anonauth.otlp.ProtobufReader.LEN;
import static dev.anonauth.otlp.ProtobufReader.fieldNumber;
import static dev.anonauth.otlp.ProtobufReader.wireType;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Walks an OTLP {@code Export*ServiceRequest} in the protobuf wire format for just what the filter needs:
 * the attributes of every resource, and how many spans, metric data points or log records there are.
 * Everything else (the spans themselves, attribute values of other keys, unknown fields) is skipped by
 * length, unparsed.
 *
 * <p>Field numbers (opentelemetry-proto v1): the request's 1 is {@code resource_*}; a
 * {@code Resource*} has 1 {@code resource} and 2 {@code scope_*} (and 1000, the deprecated
 * {@code instrumentation_library_*} that the collector still migrates into 2, counted too);
 * a {@code Scope*} has 2 {@code spans}/{@code metrics}/{@code log_records}; a {@code Metric} holds its
 * data in 5 gauge, 7 sum, 9 histogram, 10 exponential histogram or 11 summary, each with 1
 * {@code data_points}; a {@code Resource} has 1 {@code attributes}; a {@code KeyValue} 1 {@code key} and
 * 2 {@code value}; an {@code AnyValue} 1 {@code string_value} among its oneof 1–7.
 *
 * <p>Merging follows protobuf: a message field given twice is merged (so a resource's attributes are all
 * of its occurrences'), a scalar given twice takes the last, and within {@code AnyValue} the oneof
 * member given last wins. A known field with the wrong wire type is refused, as the collector's decoder
 * refuses it.
 */
final class ProtobufRequestWalker {

  private static final int DEPRECATED_SCOPES = 1000;

  private final ProtobufReader reader;
  private final Signal signal;
  private final ResourceCheck check;
  private final byte[] key = new byte[ResourceIdentity.MAX_RELEVANT_KEY_BYTES];
  private final byte[] value = new byte[ResourceIdentity.MAX_VALUE_BYTES];
  private int count;

  private ProtobufRequestWalker(InputStream in, Signal signal, ResourceCheck check) {
    this.reader = new ProtobufReader(in);
    this.signal = signal;
    this.check = check;
  }

  /** Checks every resource and returns the number of events. */
  static int walk(InputStream in, Signal signal, ResourceCheck check) throws IOException, OtlpException {
    ProtobufRequestWalker walker = new ProtobufRequestWalker(in, signal, check);
    walker.request();
    return walker.count;
  }

  private void request() throws IOException, OtlpException {
    int tag;
    while ((tag = reader.readTag()) != 0) {
      if (fieldNumber(tag) == 1) {
        enter(tag);
        resourceData();
        reader.popLimit();
      } else {
        reader.skipField(tag);
      }
    }
  }

  /** ResourceSpans / ResourceMetrics / ResourceLogs. */
  private void resourceData() throws IOException, OtlpException {
    ResourceIdentity identity = new ResourceIdentity();
    int tag;
    while ((tag = reader.readTag()) != 0) {
      int field = fieldNumber(tag);
      if (field == 1) {
        enter(tag);
        resource(identity);
        reader.popLimit();
      } else if (field == 2 || field == DEPRECATED_SCOPES) {
        enter(tag);
        scopeData();
        reader.popLimit();
      } else {
        reader.skipField(tag);
      }
    }
    check.check(identity.service(), identity.agent());
  }

  /** ScopeSpans / ScopeMetrics / ScopeLogs: field 2 is the repeated item. */
  private void scopeData() throws IOException, OtlpException {
    int tag;
    while ((tag = reader.readTag()) != 0) {
      if (fieldNumber(tag) == 2) {
        if (signal == Signal.METRICS) {
          enter(tag);
          metric();
          reader.popLimit();
        } else {
          expectLen(tag);
          count++;
          reader.skipField(tag);
        }
      } else {
        reader.skipField(tag);
      }
    }
  }

  private void metric() throws IOException, OtlpException {
    int tag;
    while ((tag = reader.readTag()) != 0) {
      switch (fieldNumber(tag)) {
        case 5, 7, 9, 10, 11 -> {
          enter(tag);
          dataPoints();
          reader.popLimit();
        }
        default -> reader.skipField(tag);
      }
    }
  }

  private void dataPoints() throws IOException, OtlpException {
    int tag;
    while ((tag = reader.readTag()) != 0) {
      if (fieldNumber(tag) == 1) {
        expectLen(tag);
        count++;
      }
      reader.skipField(tag);
    }
  }

  private void resource(ResourceIdentity identity) throws IOException, OtlpException {
    int tag;
    while ((tag = reader.readTag()) != 0) {
      if (fieldNumber(tag) == 1) {
        enter(tag);
        keyValue(identity);
        reader.popLimit();
      } else {
        reader.skipField(tag);
      }
    }
  }

  private void keyValue(ResourceIdentity identity) throws IOException, OtlpException {
    int keyLength = 0;
    boolean keyTooLong = false;
    boolean valueIsString = false;
    int valueLength = 0;
    int tag;
    while ((tag = reader.readTag()) != 0) {
      switch (fieldNumber(tag)) {
        case 1 -> {
          expectLen(tag);
          int length = reader.readLength();
          keyTooLong = length > key.length;
          keyLength = reader.readPrefix(length, key, key.length);
        }
        case 2 -> {
          enter(tag);
          // AnyValue: the oneof member given last wins, across merged occurrences too.
          int member;
          while ((member = reader.readTag()) != 0) {
            int field = fieldNumber(member);
            if (field == 1) {
              expectLen(member);
              valueIsString = true;
              valueLength = reader.readPrefix(reader.readLength(), value, value.length);
            } else {
              if (field >= 2 && field <= 7) {
                valueIsString = false;
              }
              reader.skipField(member);
            }
          }
          reader.popLimit();
        }
        default -> reader.skipField(tag);
      }
    }
    if (keyTooLong) {
      return;
    }
    String name = new String(key, 0, keyLength, StandardCharsets.UTF_8);
    if (ResourceIdentity.isRelevant(name)) {
      identity.attribute(name, valueIsString ? new String(value, 0, valueLength, StandardCharsets.UTF_8) : null);
    }
  }

  private void enter(int tag) throws IOException, OtlpException {
    expectLen(tag);
    reader.pushLimit(reader.readLength());
  }

  private static void expectLen(int tag) throws OtlpException {
    if (wireType(tag) != LEN) {
      throw ProtobufReader.malformed("wrong wire type " + wireType(tag) + " for field " + fieldNumber(tag));
    }
  }
}
