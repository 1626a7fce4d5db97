package dev.anonauth.otlp;

import dev.anonauth.http.Messages;
import java.io.IOException;
import java.io.InputStream;

/**
 * A forward-only reader of the protobuf wire format over a stream, with nested message limits (as
 * protobuf-java's {@code CodedInputStream} pushes and pops them). It never allocates by a length the
 * input declares: skipped fields are read through a fixed scratch buffer, and strings are read only up
 * to a caller's bound. So a declared length of 2<sup>62</sup> costs nothing but the bytes that really
 * arrive, and the stream under it (bounded, decompressing) decides how many that may be.
 *
 * <p>Strict where decoders differ: groups (wire types 3 and 4, deprecated and never in OTLP) and the
 * unused wire types 6 and 7 are refused, and so are tags above 2<sup>32</sup> and field number 0.
 *
 * <p>{@link IOException}s of the stream pass through untouched; malformed input is an {@link OtlpException}.
 */
final class ProtobufReader {

  static final int VARINT = 0;
  static final int FIXED64 = 1;
  static final int LEN = 2;
  static final int FIXED32 = 5;

  /** Deeper than any OTLP message the walker descends into (request → ... → data point is 6). */
  static final int MAX_DEPTH = 16;

  private static final long UNLIMITED = Long.MAX_VALUE;

  private final InputStream in;
  private final byte[] scratch = new byte[8 * 1024];
  private final long[] outerLimits = new long[MAX_DEPTH];
  private int depth;
  private long position;
  private long limit = UNLIMITED;

  ProtobufReader(InputStream in) {
    this.in = in;
  }

  /** The next tag, or 0 at the end of the current message (or of the input, at the top level). */
  int readTag() throws IOException, OtlpException {
    if (position == limit) {
      return 0;
    }
    int first = in.read();
    if (first < 0) {
      if (limit == UNLIMITED) {
        return 0;
      }
      throw malformed("truncated message");
    }
    position++;
    long tag = first < 0x80 ? first : readVarintAfter(first);
    if (tag > 0xffff_ffffL || (tag >>> 3) == 0) {
      throw malformed("invalid tag");
    }
    int wireType = (int) (tag & 7);
    if (wireType == 3 || wireType == 4) {
      throw malformed("groups are not supported");
    }
    if (wireType == 6 || wireType == 7) {
      throw malformed("invalid wire type " + wireType);
    }
    return (int) tag;
  }

  static int fieldNumber(int tag) {
    return tag >>> 3;
  }

  static int wireType(int tag) {
    return tag & 7;
  }

  long readVarint() throws IOException, OtlpException {
    int first = readByte();
    return first < 0x80 ? first : readVarintAfter(first);
  }

  private long readVarintAfter(int first) throws IOException, OtlpException {
    long value = first & 0x7f;
    for (int shift = 7; shift < 64; shift += 7) {
      int b = readByte();
      if (shift == 63 && b > 1) {
        throw malformed("varint overflows 64 bits");
      }
      value |= (long) (b & 0x7f) << shift;
      if (b < 0x80) {
        return value;
      }
    }
    throw malformed("varint longer than 10 bytes");
  }

  /** Reads a length prefix and checks it against the enclosing message. */
  int readLength() throws IOException, OtlpException {
    long length = readVarint();
    if (length < 0 || length > Integer.MAX_VALUE || (limit != UNLIMITED && length > limit - position)) {
      throw malformed("length out of bounds");
    }
    return (int) length;
  }

  /** Enters a length-delimited message of {@code length} bytes (as read by {@link #readLength}). */
  void pushLimit(int length) throws OtlpException {
    if (depth == MAX_DEPTH) {
      throw malformed("nested too deep");
    }
    outerLimits[depth++] = limit;
    limit = position + length;
  }

  /** Leaves the message entered last; its every byte must have been read. */
  void popLimit() {
    if (position != limit) {
      throw new IllegalStateException("message left at " + position + " before its end " + limit);
    }
    limit = outerLimits[--depth];
  }

  /** Skips the value of a field of the given tag. */
  void skipField(int tag) throws IOException, OtlpException {
    switch (wireType(tag)) {
      case VARINT -> readVarint();
      case FIXED64 -> skip(8);
      case LEN -> skip(readLength());
      case FIXED32 -> skip(4);
      default -> throw malformed("invalid wire type " + wireType(tag)); // readTag lets no other through
    }
  }

  /**
   * Reads a length-delimited field of {@code length} bytes, keeping at most {@code max} of them in
   * {@code into} and skipping the rest; returns how many were kept.
   */
  int readPrefix(int length, byte[] into, int max) throws IOException, OtlpException {
    int keep = Math.min(length, max);
    readFully(into, keep);
    skip(length - keep);
    return keep;
  }

  private void readFully(byte[] into, int length) throws IOException, OtlpException {
    int done = 0;
    while (done < length) {
      int n = in.read(into, done, length - done);
      if (n < 0) {
        throw malformed("truncated message");
      }
      done += n;
    }
    position += length;
  }

  private void skip(long length) throws IOException, OtlpException {
    if (limit != UNLIMITED && length > limit - position) {
      throw malformed("truncated message");
    }
    long left = length;
    while (left > 0) {
      // Never InputStream.skip: it would bypass the counting (gzip-bomb bound) of the stream beneath.
      int n = in.read(scratch, 0, (int) Math.min(left, scratch.length));
      if (n < 0) {
        throw malformed("truncated message");
      }
      left -= n;
      position += n;
    }
  }

  private int readByte() throws IOException, OtlpException {
    if (position == limit) {
      throw malformed("truncated message");
    }
    int b = in.read();
    if (b < 0) {
      throw malformed("truncated message");
    }
    position++;
    return b;
  }

  static OtlpException malformed(String detail) {
    return new OtlpException(400, Messages.invalidOtlpProtobuf(detail));
  }
}
