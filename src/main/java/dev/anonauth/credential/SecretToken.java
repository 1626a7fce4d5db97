package dev.anonauth.credential;

/**
 * The shared secret. Only its SHA-256 digest is kept, and candidates are compared digest to digest in
 * constant time, so neither the content nor the length of the secret leaks through timing.
 */
final class SecretToken {

  private final byte[] digest;

  SecretToken(String secret) {
    this.digest = Digests.sha256(secret);
  }

  boolean matches(String candidate) {
    return Digests.equal(digest, Digests.sha256(candidate));
  }

  @Override
  public String toString() {
    return "SecretToken(redacted)";
  }
}
