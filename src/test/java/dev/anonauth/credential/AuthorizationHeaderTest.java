package dev.anonauth.credential;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.anonauth.credential.AuthorizationHeader.Kind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AuthorizationHeaderTest {

  @ParameterizedTest(name = "[{index}] ''{0}'' -> {1} ''{2}''")
  @CsvSource(delimiter = '|', nullValues = "NULL", value = {
      "NULL|NONE|''",
      "''|NONE|''",
      "Bearer|NONE|''",
      "' Bearer abc'|NONE|''",
      "Bearer abc|BEARER|abc",
      "bearer abc|BEARER|abc",
      "Bearer a b c|BEARER|a b c",
      "'Bearer  abc'|BEARER|' abc'",
      "'Bearer '|BEARER|''",
      "ApiKey Zm9vOmJhcg==|API_KEY|Zm9vOmJhcg==",
      "APIKEY x|API_KEY|x",
      "Basic dXNlcjpwYXNz|UNKNOWN|dXNlcjpwYXNz",
      "magic token|UNKNOWN|token",
  })
  void parse_splitsAtFirstSpace(String header, Kind kind, String token) {
    AuthorizationHeader parsed = AuthorizationHeader.parse(header);
    assertEquals(kind, parsed.kind());
    assertEquals(token, parsed.token());
  }

  /** The scheme compares as {@code toLowerCase(Locale.ROOT)} did, also for the non-ASCII letters that lower-case to ASCII. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "bEaReR t|BEARER",
      "api\u212Aey t|API_KEY",
      "ap\u0131key t|UNKNOWN",
      "ap\u0130key t|UNKNOWN",
      "bearer\u0131 t|UNKNOWN",
      "Bear t|UNKNOWN",
      "Bearers t|UNKNOWN",
  })
  void parse_schemeCaseInsensitiveAsLocaleRootLowerCase(String header, Kind kind) {
    String unescaped = header; // the \\u escapes above are Java source escapes
    AuthorizationHeader parsed = AuthorizationHeader.parse(unescaped);
    assertEquals(kind, parsed.kind());
    assertEquals(unescaped.substring(0, unescaped.indexOf(' ')), parsed.rawKind());
    assertEquals("t", parsed.token());
  }

  @org.junit.jupiter.api.Test
  void sha256_sameAsAFreshMessageDigestAcrossCallsAndThreads() throws Exception {
    java.security.MessageDigest fresh = java.security.MessageDigest.getInstance("SHA-256");
    for (String s : new String[] {"", "secret", "x".repeat(10_000), "\u00e9t\u00e9"}) {
      org.junit.jupiter.api.Assertions.assertArrayEquals(
          fresh.digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)), Digests.sha256(s));
    }
    byte[] expected = fresh.digest("abc".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    Thread[] threads = new Thread[4];
    java.util.concurrent.atomic.AtomicInteger wrong = new java.util.concurrent.atomic.AtomicInteger();
    for (int t = 0; t < threads.length; t++) {
      threads[t] = new Thread(() -> {
        for (int i = 0; i < 10_000; i++) {
          if (!java.util.Arrays.equals(expected, Digests.sha256("abc"))) {
            wrong.incrementAndGet();
          }
        }
      });
      threads[t].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    assertEquals(0, wrong.get());
  }
}
