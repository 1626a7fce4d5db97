package dev.anonauth.otlp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Builds protobuf wire-format bytes by hand, including malformed ones. */
final class Proto {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  static Proto message() {
    return new Proto();
  }

  Proto tag(int field, int wireType) {
    raw(varint(((long) field << 3) | wireType));
    return this;
  }

  Proto varint(int field, long value) {
    return tag(field, 0).raw(varint(value));
  }

  Proto bytes(int field, byte[] value) {
    tag(field, 2).raw(varint(value.length));
    return raw(value);
  }

  Proto string(int field, String value) {
    return bytes(field, value.getBytes(StandardCharsets.UTF_8));
  }

  Proto message(int field, Proto message) {
    return bytes(field, message.toBytes());
  }

  Proto raw(byte... bytes) {
    out.write(bytes, 0, bytes.length);
    return this;
  }

  byte[] toBytes() {
    return out.toByteArray();
  }

  static byte[] varint(long value) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    while ((value & ~0x7fL) != 0) {
      bytes.write((int) (value & 0x7f) | 0x80);
      value >>>= 7;
    }
    bytes.write((int) value);
    return bytes.toByteArray();
  }

  // --- OTLP shapes ---

  static Proto stringAttribute(String key, String value) {
    return message().string(1, key).message(2, message().string(1, value));
  }

  static Proto resource(Proto... attributes) {
    Proto resource = message();
    for (Proto attribute : attributes) {
      resource.message(1, attribute);
    }
    return resource;
  }

  /** A ResourceSpans with {@code spans} empty spans in one ScopeSpans. */
  static Proto resourceSpans(Proto resource, int spans) {
    Proto scope = message();
    for (int i = 0; i < spans; i++) {
      scope.message(2, message().bytes(1, new byte[16]).string(5, "span" + i));
    }
    return message().message(1, resource).message(2, scope);
  }

  static byte[] traces(Proto... resourceSpans) {
    Proto request = message();
    for (Proto r : resourceSpans) {
      request.message(1, r);
    }
    return request.toBytes();
  }
}
