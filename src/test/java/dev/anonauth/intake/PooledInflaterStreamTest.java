package dev.anonauth.intake;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link PooledInflaterStream} against what {@link ContentDecoding#open} did before: {@link GZIPInputStream}
 * (and {@link InflaterInputStream}) with a new inflater and a 2 KiB buffer, behind the same {@link
 * ContentDecoding.Bounded}. Every body is decoded both ways; the outcome (the bytes, or the refusal's
 * status and message) must be the same.
 */
class PooledInflaterStreamTest {

  private static final byte[] DATA =
      "{\"metadata\":{\"service\":{\"name\":\"shop\"}}}\n{\"transaction\":{\"id\":\"1\"}}\n".repeat(40).getBytes(UTF_8);
  private static final long MAX = 1 << 20;

  /** The outcome of decoding through ContentDecoding.open: the text decoded, or "status message". */
  private static String now(ContentDecoding decoding, byte[] body, long max) {
    try (InputStream in = decoding.open(body, body.length, max)) {
      return new String(in.readAllBytes(), UTF_8);
    } catch (Refusal r) {
      return r.status + " " + r.getMessage();
    } catch (ContentDecoding.RefusalIOException e) {
      return e.refusal.status + " " + e.refusal.getMessage();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** The same, as the code before the pooled inflater decoded it. */
  private static String before(ContentDecoding decoding, byte[] body, long max) {
    InputStream raw = new ByteArrayInputStream(body);
    InputStream decoded;
    try {
      decoded = switch (decoding) {
        case GZIP -> new GZIPInputStream(raw, 2048);
        case ZLIB -> new InflaterInputStream(raw, new java.util.zip.Inflater(false), 2048);
        case RAW_DEFLATE -> new InflaterInputStream(raw, new java.util.zip.Inflater(true), 2048);
        case NONE -> raw;
      };
    } catch (IOException e) {
      return "400 data decoding error: gzip: invalid header";
    }
    try (InputStream in = new ContentDecoding.Bounded(decoded, max, decoding)) {
      return new String(in.readAllBytes(), UTF_8);
    } catch (ContentDecoding.RefusalIOException e) {
      return e.refusal.status + " " + e.refusal.getMessage();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static void assertSameAsBefore(byte[] body) {
    assertSameAsBefore(ContentDecoding.GZIP, body, MAX);
  }

  private static String assertSameAsBefore(ContentDecoding decoding, byte[] body, long max) {
    String expected = before(decoding, body, max);
    assertEquals(expected, now(decoding, body, max));
    return expected;
  }

  private static byte[] deflateRaw(byte[] data) {
    Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DeflaterOutputStream d = new DeflaterOutputStream(out, deflater)) {
      d.write(data);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    deflater.end();
    return out.toByteArray();
  }

  /** A gzip member with the given flags and optional fields (each null when absent), built by hand. */
  private static byte[] member(byte[] data, int flags, byte[] extra, String name, String comment, boolean headerCrcOk) {
    ByteArrayOutputStream h = new ByteArrayOutputStream();
    h.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, (byte) flags, 1, 2, 3, 4, 0, 3});
    if (extra != null) {
      h.write(extra.length & 0xff);
      h.write(extra.length >>> 8);
      h.writeBytes(extra);
    }
    if (name != null) {
      h.writeBytes(name.getBytes(UTF_8));
      h.write(0);
    }
    if (comment != null) {
      h.writeBytes(comment.getBytes(UTF_8));
      h.write(0);
    }
    if ((flags & 2) != 0) {
      CRC32 crc = new CRC32();
      crc.update(h.toByteArray());
      int v = (int) crc.getValue() & 0xffff;
      if (!headerCrcOk) {
        v ^= 0x0101;
      }
      h.write(v & 0xff);
      h.write(v >>> 8);
    }
    h.writeBytes(deflateRaw(data));
    CRC32 crc = new CRC32();
    crc.update(data);
    long c = crc.getValue();
    for (int i = 0; i < 4; i++) {
      h.write((int) (c >>> (8 * i)) & 0xff);
    }
    for (int i = 0; i < 4; i++) {
      h.write((data.length >>> (8 * i)) & 0xff);
    }
    return h.toByteArray();
  }

  private static byte[] member(byte[] data) {
    return member(data, 0, null, null, null, true);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  @Test
  void plainMember_decoded() {
    assertEquals(new String(DATA, UTF_8), assertSameAsBefore(ContentDecoding.GZIP, FakeRequests.gzip(DATA), MAX));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 4, 8, 16, 2 | 4 | 8 | 16, 4 | 8, 8 | 16, 2 | 8, 32, 64, 128, 0xff})
  void headerFlags_decodedAsBefore(int flags) {
    byte[] extra = (flags & 4) != 0 ? new byte[] {'A', 'P', 2, 0, 'x', 'y'} : null;
    String name = (flags & 8) != 0 ? "events.ndjson" : null;
    String comment = (flags & 16) != 0 ? "a comment" : null;
    byte[] body = member(DATA, flags, extra, name, comment, true);
    assertEquals(new String(DATA, UTF_8), assertSameAsBefore(ContentDecoding.GZIP, body, MAX));
  }

  @Test
  void largeExtraField_decodedAsBefore() {
    assertSameAsBefore(member(DATA, 4, new byte[5000], null, null, true));
  }

  @Test
  void headerCrcWrong_invalidHeader() {
    byte[] body = member(DATA, 2 | 8, null, "x", null, false);
    assertEquals("400 data decoding error: gzip: invalid header", assertSameAsBefore(ContentDecoding.GZIP, body, MAX));
  }

  @Test
  void headerTruncatedAnywhere_invalidHeader() {
    byte[] body = member(DATA, 2 | 4 | 8 | 16, new byte[] {1, 2, 3}, "name", "comment", true);
    int headerLength = 10 + 2 + 3 + 5 + 8 + 2;
    for (int cut = 0; cut <= headerLength; cut++) {
      String outcome = assertSameAsBefore(ContentDecoding.GZIP, Arrays.copyOf(body, cut), MAX);
      if (cut < headerLength) {
        assertEquals("400 data decoding error: gzip: invalid header", outcome, "cut at " + cut);
      }
    }
  }

  @Test
  void notGzipOrOtherMethod_invalidHeader() {
    byte[] body = FakeRequests.gzip(DATA);
    body[2] = 7;
    assertEquals("400 data decoding error: gzip: invalid header", assertSameAsBefore(ContentDecoding.GZIP, body, MAX));
    assertSameAsBefore(DATA);
  }

  @ParameterizedTest
  @ValueSource(ints = {-8, -7, -6, -5, -4, -3, -2, -1})
  void trailerByteCorrupted_invalidChecksum(int fromEnd) {
    byte[] body = FakeRequests.gzip(DATA);
    body[body.length + fromEnd] ^= 0x40;
    assertEquals("400 data decoding error: gzip: invalid checksum", assertSameAsBefore(ContentDecoding.GZIP, body, MAX));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 20})
  void truncated_unexpectedEof(int cut) {
    byte[] body = FakeRequests.gzip(DATA);
    assertEquals("400 data decoding error: gzip: unexpected EOF",
        assertSameAsBefore(ContentDecoding.GZIP, Arrays.copyOf(body, body.length - cut), MAX));
  }

  @Test
  void truncatedTrailerWithWrongCrc_checksumReportedFirstAsBefore() {
    byte[] body = FakeRequests.gzip(DATA);
    body[body.length - 8] ^= 1;
    assertEquals("400 data decoding error: gzip: invalid checksum",
        assertSameAsBefore(ContentDecoding.GZIP, Arrays.copyOf(body, body.length - 2), MAX));
  }

  @Test
  void corruptDeflateData_corruptInput() {
    byte[] body = member(DATA);
    for (int i = 12; i < 20; i++) {
      body[i] = (byte) 0xff;
    }
    assertEquals("400 data decoding error: flate: corrupt input", assertSameAsBefore(ContentDecoding.GZIP, body, MAX));
  }

  @Test
  void multipleMembers_concatenated() {
    byte[] a = "{\"metadata\":{}}\n".getBytes(UTF_8);
    byte[] body = concat(member(a), member(DATA, 8, null, null, null, true).length > 0
        ? member(DATA, 8 | 16, null, "n", "c", true) : null, member(new byte[0]), FakeRequests.gzip(DATA));
    assertEquals(new String(a, UTF_8) + new String(DATA, UTF_8) + new String(DATA, UTF_8),
        assertSameAsBefore(ContentDecoding.GZIP, body, MAX));
  }

  @Test
  void manyMembersOverTheBound_tooLarge() {
    byte[] one = FakeRequests.gzip(new byte[1 << 16]);
    byte[][] parts = new byte[40][];
    Arrays.fill(parts, one);
    assertEquals("413 request body too large", assertSameAsBefore(ContentDecoding.GZIP, concat(parts), 1 << 20)
        .replaceAll("^413 .*", "413 request body too large"));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 5, 9, 18, 19, 30, 3000})
  void garbageAfterTheLastMember_ignoredAsBefore(int length) {
    byte[] garbage = new byte[length];
    Arrays.fill(garbage, (byte) 'g');
    assertEquals(new String(DATA, UTF_8), assertSameAsBefore(ContentDecoding.GZIP, concat(FakeRequests.gzip(DATA), garbage), MAX));
    Arrays.fill(garbage, (byte) 0);
    assertEquals(new String(DATA, UTF_8), assertSameAsBefore(ContentDecoding.GZIP, concat(FakeRequests.gzip(DATA), garbage), MAX));
  }

  @Test
  void truncatedSecondMember_unexpectedEof() {
    byte[] second = FakeRequests.gzip(DATA);
    byte[] body = concat(FakeRequests.gzip(DATA), Arrays.copyOf(second, second.length / 2));
    assertEquals("400 data decoding error: gzip: unexpected EOF", assertSameAsBefore(ContentDecoding.GZIP, body, MAX));
  }

  @Test
  void corruptSecondMemberChecksum_invalidChecksum() {
    byte[] second = FakeRequests.gzip(DATA);
    second[second.length - 6] ^= 1;
    assertEquals("400 data decoding error: gzip: invalid checksum",
        assertSameAsBefore(ContentDecoding.GZIP, concat(FakeRequests.gzip(DATA), second), MAX));
  }

  @Test
  void wholeHeaderThenTooFewBytesAfterAMember_unexpectedEofWhateverTheBuffering() {
    // GZIPInputStream ignored up to 18 trailing bytes when its 2 KiB buffer already held them, and read
    // them as a member when it did not: here a whole header and 5 bytes of a truncated member are always
    // a truncated member, as the APM Server's (Go) gzip reader has it.
    byte[] second = FakeRequests.gzip(DATA);
    byte[] body = concat(FakeRequests.gzip(DATA), Arrays.copyOf(second, 15));
    assertEquals("400 data decoding error: gzip: unexpected EOF", now(ContentDecoding.GZIP, body, MAX));
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void zlibAndRawDeflate_asBefore(boolean raw) {
    byte[] body = FakeRequests.deflate(DATA, raw);
    ContentDecoding decoding = raw ? ContentDecoding.RAW_DEFLATE : ContentDecoding.ZLIB;
    assertEquals(new String(DATA, UTF_8), assertSameAsBefore(decoding, body, MAX));
    assertSameAsBefore(decoding, Arrays.copyOf(body, body.length / 2), MAX);
    assertSameAsBefore(decoding, concat(body, "trailing".getBytes(UTF_8)), MAX);
    byte[] corrupt = body.clone();
    corrupt[corrupt.length - 1] ^= 0x10;
    assertSameAsBefore(decoding, corrupt, MAX);
    for (int i = 2; i < 8; i++) {
      corrupt[i] = (byte) 0xff;
    }
    assertSameAsBefore(decoding, corrupt, MAX);
    assertSameAsBefore(decoding, new byte[0], MAX);
  }

  @Test
  void close_returnsInflaterOnceAndThePoolStaysBounded() throws IOException {
    byte[] body = FakeRequests.gzip(DATA);
    List<PooledInflaterStream> open = new ArrayList<>();
    int poolSize = 2 * Runtime.getRuntime().availableProcessors();
    for (int i = 0; i < poolSize + 5; i++) {
      open.add(PooledInflaterStream.gzip(body, body.length));
    }
    for (PooledInflaterStream s : open) {
      s.close();
      s.close(); // idempotent: never offered twice
    }
    assertTrue(PooledInflaterStream.pooled() <= 2 * poolSize, "pooled " + PooledInflaterStream.pooled());
    PooledInflaterStream s = open.get(0);
    assertThrows(IOException.class, () -> s.read(new byte[1], 0, 1));
    // A reused inflater decodes from a clean state.
    for (int i = 0; i < 3; i++) {
      assertEquals(new String(DATA, UTF_8), now(ContentDecoding.GZIP, body, MAX));
    }
  }
}
