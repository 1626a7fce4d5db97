package dev.anonauth.intake;

import dev.anonauth.http.Messages;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * Splits a body into ND-JSON lines without copying when the body is already in memory, and with one
 * reusable buffer (at most {@code maxLine} bytes) when it is decoded from a stream.
 *
 * <p>As the APM Server's line reader (a {@code bufio.Reader} of {@code max_event_size} bytes): a
 * line, counting its newline, may be at most {@code maxLine} bytes; the newline is removed, a
 * carriage return is kept (JSON treats it as white space); the last line may lack its newline.
 * A longer line is refused as soon as {@code maxLine} bytes of it have been seen.
 */
final class LineReader implements AutoCloseable {

  private static final int INITIAL_CAPACITY = 4 * 1024; // grows by doubling up to maxLine

  /**
   * Idle initial line buffers of exactly {@value #INITIAL_CAPACITY} bytes, at most 2 per core. Only that
   * size is pooled: the buffer's size decides how far ahead a stream is decoded (so which error comes
   * first), and a grown buffer is never kept. Borrowed in the stream constructor, returned by close().
   */
  private static final ArrayBlockingQueue<byte[]> POOL =
      new ArrayBlockingQueue<>(2 * Runtime.getRuntime().availableProcessors());

  private final InputStream in;
  private final int maxLine;
  private byte[] buffer;
  private byte[] borrowed; // the pooled initial buffer, until close()
  private int start;
  private int end;
  private int scanned;
  private boolean eof;

  /** The current line: {@code buffer()[offset() .. offset() + length())}. */
  private int lineOffset;
  private int lineLength;
  private boolean terminated;

  /** Lines of a body already in memory: no copy. */
  LineReader(byte[] body, int length, int maxLine) {
    this.in = null;
    this.maxLine = maxLine;
    this.buffer = body;
    this.end = length;
    this.eof = true;
  }

  /** Lines of a (decoded) stream. */
  LineReader(InputStream in, int maxLine) {
    this.in = in;
    this.maxLine = maxLine;
    if (maxLine >= INITIAL_CAPACITY) {
      byte[] pooled = POOL.poll();
      this.borrowed = pooled != null ? pooled : new byte[INITIAL_CAPACITY];
      this.buffer = borrowed;
    } else {
      this.buffer = new byte[maxLine];
    }
  }

  /**
   * Returns the initial buffer to the pool (idempotent). The reader must not be used afterwards; refusals
   * built from its lines hold copies, never the buffer.
   */
  @Override
  public void close() {
    byte[] returned = borrowed;
    if (returned != null) {
      borrowed = null;
      buffer = null;
      POOL.offer(returned);
    }
  }

  /** Number of idle pooled buffers (tests). */
  static int pooled() {
    return POOL.size();
  }

  /** Advances to the next line; {@code false} at the end of the body. */
  boolean next() throws Refusal {
    while (true) {
      for (int i = scanned; i < end; i++) {
        if (buffer[i] == '\n') {
          lineOffset = start;
          lineLength = i - start;
          terminated = true;
          start = i + 1;
          scanned = start;
          if (lineLength >= maxLine) {
            throw tooLarge();
          }
          return true;
        }
      }
      scanned = end;
      if (end - start >= maxLine) {
        lineOffset = start;
        lineLength = end - start;
        throw tooLarge();
      }
      if (eof) {
        if (start == end) {
          return false;
        }
        lineOffset = start;
        lineLength = end - start;
        terminated = false;
        start = end;
        return true;
      }
      fill();
    }
  }

  byte[] buffer() {
    return buffer;
  }

  int offset() {
    return lineOffset;
  }

  int length() {
    return lineLength;
  }

  /** Whether the current line ended with a newline (only the last line may not). */
  boolean terminated() {
    return terminated;
  }

  private Refusal tooLarge() {
    // APM answers 400 for an event over max_event_size (a "TODO: breaking bugfix" to make it 413).
    return Refusal.eventTooLarge(Messages.EVENT_TOO_LARGE, buffer, lineOffset, lineLength);
  }

  private void fill() throws Refusal {
    if (end == buffer.length) {
      if (start > 0) {
        System.arraycopy(buffer, start, buffer, 0, end - start);
        end -= start;
        scanned -= start;
        start = 0;
      } else {
        byte[] larger = new byte[(int) Math.min((long) buffer.length * 2, maxLine)];
        System.arraycopy(buffer, 0, larger, 0, end);
        buffer = larger;
      }
    }
    try {
      int n = in.read(buffer, end, buffer.length - end);
      if (n < 0) {
        eof = true;
      } else {
        end += n;
      }
    } catch (ContentDecoding.RefusalIOException e) {
      throw e.refusal;
    } catch (IOException e) {
      throw Refusal.badRequest(Messages.BODY_READ_FAILED);
    }
  }
}
