package dev.anonauth.intake;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.ZipException;

/**
 * Inflates a body already in memory straight from its array, with an {@link Inflater} borrowed from a
 * small bounded pool: what {@code GZIPInputStream} / {@code InflaterInputStream} did with a new
 * {@code Inflater} and a 2 KiB staging buffer per request, with the same results and the same
 * exceptions (so {@link ContentDecoding.Bounded} maps them to the same refusals):
 *
 * <ul>
 *   <li>gzip (RFC 1952): the header is parsed here as {@code GZIPInputStream} does (magic, CM = 8, FEXTRA,
 *       FNAME, FCOMMENT, FHCRC checked against the CRC-32 of the header; reserved flag bits ignored), and so
 *       is each member's trailer (CRC-32 then ISIZE: {@code ZipException("Corrupt GZIP trailer")}, fewer
 *       bytes than it needs: {@link EOFException}). Members are concatenated; after a member, bytes that do
 *       not begin with a whole valid member header are ignored, as {@code GZIPInputStream} ignores them.
 *   <li>zlib and raw deflate: the inflater alone, ending at the end of the deflate stream (or at a preset
 *       dictionary request, as {@code InflaterInputStream}).
 *   <li>input exhausted inside a deflate stream: {@link EOFException}; corrupt deflate data:
 *       {@link ZipException} with the inflater's message.
 * </ul>
 *
 * <p>{@link #close()} returns the inflater, reset, to its pool, or ends it when the pool is full; it is
 * idempotent. A stream that is never closed leaves its inflater to the inflater's own cleaner.
 */
final class PooledInflaterStream extends InputStream {

  private static final int POOL_SIZE = 2 * Runtime.getRuntime().availableProcessors();
  private static final ArrayBlockingQueue<Inflater> RAW_POOL = new ArrayBlockingQueue<>(POOL_SIZE);
  private static final ArrayBlockingQueue<Inflater> ZLIB_POOL = new ArrayBlockingQueue<>(POOL_SIZE);

  private static final int FHCRC = 2;
  private static final int FEXTRA = 4;
  private static final int FNAME = 8;
  private static final int FCOMMENT = 16;

  private final byte[] body;
  private final int end;
  private final boolean gzip;
  private final ArrayBlockingQueue<Inflater> pool;
  private final CRC32 crc;
  private Inflater inflater;
  private boolean eof;

  private PooledInflaterStream(byte[] body, int start, int end, boolean gzip, boolean nowrap) {
    this.body = body;
    this.end = end;
    this.gzip = gzip;
    this.pool = nowrap ? RAW_POOL : ZLIB_POOL;
    this.crc = gzip ? new CRC32() : null;
    Inflater borrowed = pool.poll();
    this.inflater = borrowed != null ? borrowed : new Inflater(nowrap);
    inflater.setInput(body, start, end - start);
  }

  /** gzip: parses the first member's header; any failure there is an {@link IOException}, as from GZIPInputStream's constructor. */
  static PooledInflaterStream gzip(byte[] body, int length) throws IOException {
    int start = readHeader(body, 0, length, new CRC32());
    return new PooledInflaterStream(body, start, length, true, true);
  }

  static PooledInflaterStream zlib(byte[] body, int length) {
    return new PooledInflaterStream(body, 0, length, false, false);
  }

  static PooledInflaterStream rawDeflate(byte[] body, int length) {
    return new PooledInflaterStream(body, 0, length, false, true);
  }

  /** Number of inflaters idle in the pools (tests). */
  static int pooled() {
    return RAW_POOL.size() + ZLIB_POOL.size();
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (inflater == null) {
      throw new IOException("Stream closed");
    }
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    if (eof) {
      return -1;
    }
    if (len == 0) {
      return 0;
    }
    while (true) {
      int n;
      try {
        n = inflater.inflate(b, off, len);
      } catch (DataFormatException e) {
        throw new ZipException(e.getMessage() != null ? e.getMessage() : "Invalid ZLIB data format");
      }
      if (n > 0) {
        if (crc != null) {
          crc.update(b, off, n);
        }
        return n;
      }
      if (inflater.finished() || inflater.needsDictionary()) {
        if (!gzip || !nextMember()) {
          eof = true;
          return -1;
        }
      } else if (inflater.needsInput()) {
        throw new EOFException("Unexpected end of ZLIB input stream"); // the whole body was given
      }
    }
  }

  /** After a gzip member's deflate data: checks its trailer; {@code true} when another member follows. */
  private boolean nextMember() throws IOException {
    int pos = end - inflater.getRemaining();
    if (end - pos < 4) {
      throw new EOFException("Unexpected end of gzip trailer");
    }
    if (readUInt(body, pos) != crc.getValue()) {
      throw new ZipException("Corrupt GZIP trailer");
    }
    if (end - pos < 8) {
      throw new EOFException("Unexpected end of gzip trailer");
    }
    if (readUInt(body, pos + 4) != (inflater.getBytesWritten() & 0xffffffffL)) {
      throw new ZipException("Corrupt GZIP trailer");
    }
    pos += 8;
    if (pos == end) {
      return false;
    }
    int start;
    try {
      start = readHeader(body, pos, end, crc);
    } catch (IOException e) {
      return false; // as GZIPInputStream: what follows a member and is no member header is ignored
    }
    inflater.reset();
    crc.reset();
    inflater.setInput(body, start, end - start);
    return true;
  }

  /** RFC 1952 member header at {@code pos}, as GZIPInputStream reads it; returns where the deflate data starts. */
  private static int readHeader(byte[] b, int pos, int end, CRC32 crc) throws IOException {
    int start = pos;
    if (end - pos < 10) {
      throw new EOFException();
    }
    if ((b[pos] & 0xff) != 0x1f || (b[pos + 1] & 0xff) != 0x8b) {
      throw new ZipException("Not in GZIP format");
    }
    if ((b[pos + 2] & 0xff) != 8) {
      throw new ZipException("Unsupported compression method");
    }
    int flg = b[pos + 3] & 0xff;
    pos += 10; // ID1 ID2 CM FLG MTIME(4) XFL OS
    if ((flg & FEXTRA) != 0) {
      if (end - pos < 2) {
        throw new EOFException();
      }
      int xlen = (b[pos] & 0xff) | (b[pos + 1] & 0xff) << 8;
      pos += 2;
      if (end - pos < xlen) {
        throw new EOFException();
      }
      pos += xlen;
    }
    if ((flg & FNAME) != 0) {
      pos = skipZeroTerminated(b, pos, end);
    }
    if ((flg & FCOMMENT) != 0) {
      pos = skipZeroTerminated(b, pos, end);
    }
    if ((flg & FHCRC) != 0) {
      crc.reset();
      crc.update(b, start, pos - start);
      if (end - pos < 2) {
        throw new EOFException();
      }
      int stored = (b[pos] & 0xff) | (b[pos + 1] & 0xff) << 8;
      if (stored != ((int) crc.getValue() & 0xffff)) {
        throw new ZipException("Corrupt GZIP header");
      }
      pos += 2;
    }
    crc.reset();
    return pos;
  }

  private static int skipZeroTerminated(byte[] b, int pos, int end) throws EOFException {
    while (pos < end) {
      if (b[pos++] == 0) {
        return pos;
      }
    }
    throw new EOFException();
  }

  private static long readUInt(byte[] b, int pos) {
    return ((b[pos] & 0xffL) | (b[pos + 1] & 0xffL) << 8 | (b[pos + 2] & 0xffL) << 16 | (b[pos + 3] & 0xffL) << 24);
  }

  @Override
  public void close() {
    Inflater returned = inflater;
    if (returned != null) {
      inflater = null;
      returned.reset();
      if (!pool.offer(returned)) {
        returned.end();
      }
    }
  }
}
