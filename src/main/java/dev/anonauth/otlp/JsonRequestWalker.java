package dev.anonauth.otlp;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.anonauth.http.Messages;
import java.io.IOException;
import java.io.InputStream;

/**
 * Walks an OTLP/JSON export request with Jackson's streaming parser, for the same things as
 * {@link ProtobufRequestWalker}: every resource's attributes, and the number of spans, data points or log
 * records. Unread values are skipped by the parser without being materialised.
 *
 * <p>Keys are accepted in lowerCamelCase (as OTLP/JSON specifies) <em>and</em> as the proto field names
 * ({@code resource_spans}), because the collector's decoder and protobuf-java's {@code JsonFormat} accept
 * both; a key repeated in one object is walked each time (the collector appends). {@code null} stands for
 * an absent value; any other wrong type of a known key is refused. The document must be one object and
 * nothing after it.
 */
final class JsonRequestWalker {

  /** OTLP/JSON nests attribute values (kvlists in kvlists); nothing legitimate comes near this. */
  static final int MAX_NESTING_DEPTH = 256;

  static final JsonFactory JSON =
      JsonFactory.builder()
          .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
          .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
          .build();

  private final JsonParser p;
  private final Signal signal;
  private final ResourceCheck check;
  private int count;

  private JsonRequestWalker(JsonParser p, Signal signal, ResourceCheck check) {
    this.p = p;
    this.signal = signal;
    this.check = check;
  }

  static int walk(InputStream in, Signal signal, ResourceCheck check) throws IOException, OtlpException {
    try (JsonParser parser = JSON.createParser(in)) {
      JsonRequestWalker walker = new JsonRequestWalker(parser, signal, check);
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw malformed("the body must be one JSON object");
      }
      walker.request();
      if (parser.nextToken() != null) {
        throw malformed("data after the JSON object");
      }
      return walker.count;
    } catch (StreamConstraintsException e) {
      throw malformed("nested too deep");
    } catch (JsonProcessingException e) {
      throw malformed("not well-formed JSON");
    } catch (java.io.CharConversionException e) {
      // Jackson detects the encoding from the first bytes; bytes that look like UTF-16/32 but are not
      // fail in its decoder with this IOException. The client's body is at fault, not the stream.
      throw malformed("not well-formed JSON");
    }
  }

  private void request() throws IOException, OtlpException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      if (name.equals(signal.resourcesKey) || name.equals(signal.resourcesKeyProto)) {
        if (array(name)) {
          while (element(name)) {
            resourceData();
          }
        }
      } else {
        p.skipChildren();
      }
    }
  }

  /** ResourceSpans / ResourceMetrics / ResourceLogs; the parser is on its START_OBJECT or VALUE_NULL. */
  private void resourceData() throws IOException, OtlpException {
    ResourceIdentity identity = new ResourceIdentity();
    if (p.currentToken() == JsonToken.START_OBJECT) {
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        if (name.equals("resource")) {
          if (object(name)) {
            resource(identity);
          }
        } else if (name.equals(signal.scopesKey) || name.equals(signal.scopesKeyProto)) {
          if (array(name)) {
            while (element(name)) {
              scopeData();
            }
          }
        } else {
          p.skipChildren();
        }
      }
    }
    check.check(identity.service(), identity.agent());
  }

  private void scopeData() throws IOException, OtlpException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      return;
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      if ((name.equals(signal.itemsKey) || name.equals(signal.itemsKeyProto)) && array(name)) {
        while (element(name)) {
          if (signal == Signal.METRICS) {
            metric();
          } else {
            count++;
            p.skipChildren();
          }
        }
      } else {
        p.skipChildren();
      }
    }
  }

  private void metric() throws IOException, OtlpException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      return;
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      boolean data = switch (name) {
        case "gauge", "sum", "histogram", "exponentialHistogram", "exponential_histogram", "summary" -> true;
        default -> false;
      };
      if (data && object(name)) {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String field = p.currentName();
          p.nextToken();
          if ((field.equals("dataPoints") || field.equals("data_points")) && array(field)) {
            while (element(field)) {
              count++;
              p.skipChildren();
            }
          } else {
            p.skipChildren();
          }
        }
      } else {
        p.skipChildren();
      }
    }
  }

  private void resource(ResourceIdentity identity) throws IOException, OtlpException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      if (name.equals("attributes") && array(name)) {
        while (element(name)) {
          keyValue(identity);
        }
      } else {
        p.skipChildren();
      }
    }
  }

  private void keyValue(ResourceIdentity identity) throws IOException, OtlpException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      return;
    }
    String key = "";
    String value = null; // null: no string value (absent, or another type won the oneof)
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken token = p.nextToken();
      if (name.equals("key")) {
        key = string(name, token);
      } else if (name.equals("value") && object(name)) {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String member = p.currentName();
          JsonToken memberToken = p.nextToken();
          switch (member) {
            case "stringValue", "string_value" -> value = string(member, memberToken);
            case "boolValue", "bool_value", "intValue", "int_value", "doubleValue", "double_value",
                "arrayValue", "array_value", "kvlistValue", "kvlist_value", "bytesValue", "bytes_value" -> {
              value = null;
              p.skipChildren();
            }
            default -> p.skipChildren();
          }
        }
      } else {
        p.skipChildren();
      }
    }
    if (ResourceIdentity.isRelevant(key)) {
      identity.attribute(key, value);
    }
  }

  /** True on an array to walk; false on null; refuses anything else. */
  private boolean array(String name) throws OtlpException {
    return expect(name, JsonToken.START_ARRAY, "an array");
  }

  /** True on an object to walk; false on null; refuses anything else. */
  private boolean object(String name) throws OtlpException {
    return expect(name, JsonToken.START_OBJECT, "an object");
  }

  private boolean expect(String name, JsonToken wanted, String what) throws OtlpException {
    JsonToken token = p.currentToken();
    if (token == wanted) {
      return true;
    }
    if (token == JsonToken.VALUE_NULL) {
      return false;
    }
    throw malformed("\"" + name + "\" must be " + what);
  }

  /** Moves to the next element of an array; elements must be objects or null. */
  private boolean element(String name) throws IOException, OtlpException {
    JsonToken token = p.nextToken();
    if (token == JsonToken.END_ARRAY) {
      return false;
    }
    if (token != JsonToken.START_OBJECT && token != JsonToken.VALUE_NULL) {
      throw malformed("\"" + name + "\" must hold objects");
    }
    return true;
  }

  private String string(String name, JsonToken token) throws IOException, OtlpException {
    if (token == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    if (token == JsonToken.VALUE_NULL) {
      return "";
    }
    throw malformed("\"" + name + "\" must be a string");
  }

  private static OtlpException malformed(String detail) {
    return new OtlpException(400, Messages.invalidOtlpJson(detail));
  }
}
