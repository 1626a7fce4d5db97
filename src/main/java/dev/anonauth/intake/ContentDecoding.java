package dev.anonauth.intake;

import dev.anonauth.http.Messages;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.ZipException;

/**
 * The content encodings the APM Server accepts: {@code gzip}, {@code deflate} (zlib-wrapped or raw)
 * and none; a body sent without {@code Content-Encoding} is sniffed (gzip magic {@code 1f 8b}, or a
 * valid zlib header) as the APM Server does. Any other encoding is refused with 400.
 */
enum ContentDecoding {
  NONE,
  GZIP,
  ZLIB,
  RAW_DEFLATE;

  /** Chooses the decoding for a body from its {@code Content-Encoding} header (case-insensitive) and first bytes. */
  static ContentDecoding choose(String contentEncoding, byte[] body, int length) throws Refusal {
    String encoding = contentEncoding == null ? "" : contentEncoding.trim().toLowerCase(Locale.ROOT);
    switch (encoding) {
      case "gzip":
      case "x-gzip":
        return GZIP;
      case "deflate":
        return isZlibHeader(body, length) ? ZLIB : RAW_DEFLATE;
      case "":
      case "identity":
        if (length >= 2 && (body[0] & 0xff) == 0x1f && (body[1] & 0xff) == 0x8b) {
          return GZIP;
        }
        return isZlibHeader(body, length) ? ZLIB : NONE;
      default:
        throw Refusal.badRequest(Messages.unsupportedContentEncoding(contentEncoding.trim()));
    }
  }

  /**
   * Chooses the decoding from the {@code Content-Encoding} header alone, never sniffing: for bodies
   * (OTLP protobuf) where bytes that look compressed may be valid uncompressed content, so that the
   * filter reads the body exactly as the application will.
   */
  static ContentDecoding declared(String contentEncoding, byte[] body, int length) throws Refusal {
    String encoding = contentEncoding == null ? "" : contentEncoding.trim().toLowerCase(Locale.ROOT);
    if (encoding.isEmpty() || encoding.equals("identity")) {
      return NONE;
    }
    return choose(contentEncoding, body, length);
  }

  /** RFC 1950: CM = 8 (deflate), CINFO ≤ 7, and the 16-bit header is a multiple of 31. No JSON text starts like that. */
  static boolean isZlibHeader(byte[] body, int length) {
    if (length < 2) {
      return false;
    }
    int cmf = body[0] & 0xff;
    int flg = body[1] & 0xff;
    return (cmf & 0x0f) == 8 && (cmf >> 4) <= 7 && ((cmf << 8) | flg) % 31 == 0;
  }

  /**
   * Opens the decoded stream over the raw bytes, bounded to {@code maxDecoded} bytes: one byte more
   * and reading throws a 413 {@link Refusal} (a gzip bomb stops after {@code maxDecoded} bytes of
   * work). Decompression failures surface as 400 {@link Refusal}s from {@code read}.
   */
  InputStream open(byte[] body, int length, long maxDecoded) throws Refusal {
    InputStream decoded;
    switch (this) {
      case GZIP:
        try {
          decoded = PooledInflaterStream.gzip(body, length);
        } catch (IOException e) {
          throw Refusal.badRequest(Messages.dataDecodingError("gzip: invalid header"));
        }
        break;
      case ZLIB:
        decoded = PooledInflaterStream.zlib(body, length);
        break;
      case RAW_DEFLATE:
        decoded = PooledInflaterStream.rawDeflate(body, length);
        break;
      default:
        decoded = new ByteArrayInputStream(body, 0, length);
    }
    return new Bounded(decoded, maxDecoded, this);
  }

  String codecName() {
    return this == GZIP ? "gzip" : this == ZLIB ? "zlib" : "flate";
  }

  /**
   * Counts decoded bytes and turns decoding failures into refusals. Wraps them in an {@link IOException}
   * subclass because {@link InputStream#read} cannot throw a checked {@link Refusal}.
   */
  static final class Bounded extends FilterInputStream {
    private final long max;
    private final ContentDecoding decoding;
    private long count;

    Bounded(InputStream in, long max, ContentDecoding decoding) {
      super(in);
      this.max = max;
      this.decoding = decoding;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n;
      try {
        // Ask for at most one byte past the bound: enough to know it is exceeded, no more work.
        n = in.read(b, off, (int) Math.min(len, max - count + 1));
      } catch (EOFException e) {
        throw new RefusalIOException(
            Refusal.badRequest(Messages.dataDecodingError(decoding.codecName() + ": unexpected EOF")));
      } catch (ZipException e) {
        String why = e.getMessage() == null ? "" : e.getMessage();
        String detail =
            decoding != GZIP
                ? decoding.codecName() + ": corrupt input"
                : why.startsWith("Not in GZIP") || why.startsWith("Unsupported compression")
                    ? "gzip: invalid header"
                    : why.startsWith("Corrupt GZIP trailer") ? "gzip: invalid checksum" : "flate: corrupt input";
        throw new RefusalIOException(Refusal.badRequest(Messages.dataDecodingError(detail)));
      }
      if (n > 0) {
        count += n;
        if (count > max) {
          throw new RefusalIOException(Refusal.tooLarge(Messages.REQUEST_TOO_LARGE));
        }
      }
      return n;
    }
  }

  /** Carries a {@link Refusal} through {@link InputStream#read}. */
  static final class RefusalIOException extends IOException {
    private static final long serialVersionUID = 1L;
    final Refusal refusal;

    RefusalIOException(Refusal refusal) {
      super(refusal.getMessage(), null);
      this.refusal = refusal;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }
  }
}
