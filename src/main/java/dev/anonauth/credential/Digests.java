package dev.anonauth.credential;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 of secrets, so that comparisons take the same time whatever the lengths involved. */
final class Digests {

  /**
   * One digest per thread instead of {@code MessageDigest.getInstance} per call (a provider look-up and a
   * new digest with its buffers). Heap only (no native state), so threads that die leave nothing behind;
   * reset before each use in case a previous use was interrupted.
   */
  private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(Digests::newSha256);

  private Digests() {}

  static byte[] sha256(String secret) {
    MessageDigest digest = SHA_256.get();
    digest.reset();
    return digest.digest(secret.getBytes(StandardCharsets.UTF_8));
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must support SHA-256", e);
    }
  }

  /** Constant-time comparison of two digests. */
  static boolean equal(byte[] a, byte[] b) {
    return MessageDigest.isEqual(a, b);
  }
}
