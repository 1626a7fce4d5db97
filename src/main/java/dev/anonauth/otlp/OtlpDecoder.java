package dev.anonauth.otlp;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads what the filter needs from an OTLP/HTTP export request body: the service and agent of every
 * resource (handed to a {@link ResourceCheck} as each resource ends) and the number of events — spans,
 * metric data points, log records.
 *
 * <p>Bounded: the walkers keep a few KiB whatever the input (protobuf: an 8 KiB scratch buffer, a 4 KiB
 * value prefix and a 16-deep limit stack; JSON: Jackson's buffers, nesting ≤ 256), never allocate by a
 * length the input declares, and read each byte once. The body stream's own bound (request size,
 * decompressed) is the only limit on work.
 */
public final class OtlpDecoder {

  private OtlpDecoder() {}

  /**
   * Walks a decoded (decompressed) body.
   *
   * @return how many events the request carries; an empty protobuf body is a valid request with none
   * @throws OtlpException 400 when the body is not a well-formed request, or whatever {@code check} throws
   * @throws IOException from {@code body} itself, untouched (so that the caller's stream can signal its bounds)
   */
  public static int inspect(Signal signal, Encoding encoding, InputStream body, ResourceCheck check)
      throws IOException, OtlpException {
    return switch (encoding) {
      case PROTOBUF -> ProtobufRequestWalker.walk(body, signal, check);
      case JSON -> JsonRequestWalker.walk(body, signal, check);
    };
  }
}
