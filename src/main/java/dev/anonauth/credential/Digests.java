package dev.anonauth.credential;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 of secrets, so that comparisons take the same time whatever the lengths involved. */
final class Digests {

  /**
   * Cloned per call instead of {@code MessageDigest.getInstance} (a provider look-up each time). Not a
   * ThreadLocal: a webapp's ThreadLocal left on the container's pooled threads is what Tomcat reports as a
   * probable memory leak when the webapp stops.
   */
  private static final MessageDigest PROTOTYPE = newSha256();

  private Digests() {}

  static byte[] sha256(String secret) {
    return copy().digest(secret.getBytes(StandardCharsets.UTF_8));
  }

  private static MessageDigest copy() {
    try {
      return (MessageDigest) PROTOTYPE.clone();
    } catch (CloneNotSupportedException e) {
      return newSha256(); // a provider whose digest cannot be cloned: look it up each time
    }
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
