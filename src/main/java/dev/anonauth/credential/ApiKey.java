package dev.anonauth.credential;

import java.util.Set;

/** One API key as the key file holds it: an id, the SHA-256 of the key, and what it may do. */
record ApiKey(String id, byte[] keyDigest, Set<Privilege> privileges) {

  boolean matches(String key) {
    return Digests.equal(keyDigest, Digests.sha256(key));
  }

  @Override
  public String toString() {
    return "ApiKey[" + id + ", " + privileges + "]";
  }
}
