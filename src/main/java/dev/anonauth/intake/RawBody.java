package dev.anonauth.intake;

import dev.anonauth.http.Messages;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/** Reads a request body into memory, never more than a bound, refusing before reading when the declared length is over it. */
final class RawBody {

  private static final int INITIAL_CAPACITY = 64 * 1024;

  final byte[] bytes;
  final int length;

  private RawBody(byte[] bytes, int length) {
    this.bytes = bytes;
    this.length = length;
  }

  static RawBody read(HttpServletRequest request, long maxBytes) throws Refusal {
    long declared = request.getContentLengthLong();
    int limit = (int) Math.min(maxBytes, Integer.MAX_VALUE - 16);
    if (declared > limit) {
      throw Refusal.tooLarge(Messages.REQUEST_TOO_LARGE);
    }
    // Never more than the bytes that can still arrive; and a declared length is trusted only as far as
    // INITIAL_CAPACITY up front, so a client that declares 10 MiB and sends nothing costs 64 KiB.
    int expected = declared >= 0 ? (int) declared : limit;
    byte[] buffer = new byte[Math.min(expected, INITIAL_CAPACITY)];
    int length = 0;
    try (InputStream in = request.getInputStream()) {
      while (true) {
        if (length == buffer.length) {
          if (length == expected) {
            // All that may arrive has arrived: one more byte is over the declared length or the bound.
            if (in.read() < 0) {
              break;
            }
            throw declared >= 0
                ? Refusal.badRequest(Messages.BODY_READ_FAILED)
                : Refusal.tooLarge(Messages.REQUEST_TOO_LARGE);
          }
          buffer = Arrays.copyOf(buffer, (int) Math.min((long) buffer.length * 2, expected));
        }
        int n = in.read(buffer, length, buffer.length - length);
        if (n < 0) {
          break;
        }
        length += n;
      }
    } catch (IOException e) {
      // Client went away, early EOF, idle timeout: the client's fault, and never a 500.
      throw Refusal.badRequest(Messages.BODY_READ_FAILED);
    }
    if (declared >= 0 && length != declared) {
      throw Refusal.badRequest(Messages.BODY_READ_FAILED);
    }
    return new RawBody(buffer, length);
  }
}
