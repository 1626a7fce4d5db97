package dev.anonauth.credential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ApiKeyStoreTest {

  @TempDir Path dir;
  Path file;
  final AtomicLong clock = new AtomicLong();
  ApiKeyStore store;

  static String line(String id, String key, String privileges) {
    return id + " " + HexFormat.of().formatHex(Digests.sha256(key)) + " " + privileges + "\n";
  }

  static String credential(String id, String key) {
    return Base64.getEncoder().encodeToString((id + ":" + key).getBytes(StandardCharsets.UTF_8));
  }

  @BeforeEach
  void setUp() throws Exception {
    file = Files.writeString(dir.resolve("keys"), line("rum", "k1", "event:write"));
    store = new ApiKeyStore(file, Duration.ofSeconds(1), clock::get);
  }

  @Test
  void check_validKey_returnsItsPrivileges() {
    ApiKeyStore.Valid valid = assertInstanceOf(ApiKeyStore.Valid.class, store.check(credential("rum", "k1")));
    assertEquals("rum", valid.key().id());
  }

  @ParameterizedTest
  @ValueSource(strings = {"not base64!", "", "cnVt", "OmsxCg==", "cnVtOmsy", "b3RoZXI6azE="})
  void check_malformedUnknownOrWrong_invalid(String token) {
    // cnVt = "rum" (no colon), OmsxCg== = ":k1\n" (empty id), cnVtOmsy = "rum:k2", b3RoZXI6azE= = "other:k1"
    assertInstanceOf(ApiKeyStore.Invalid.class, store.check(token));
  }

  @Test
  void check_hugeToken_invalidWithoutDecoding() {
    assertInstanceOf(ApiKeyStore.Invalid.class, store.check("A".repeat(1_000_000)));
  }

  @Test
  void check_fileChangedAfterInterval_reloads() throws Exception {
    Files.writeString(file, line("rum", "k2", "event:write"));
    Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 5_000));
    assertInstanceOf(ApiKeyStore.Valid.class, store.check(credential("rum", "k1")), "not checked before the interval");
    clock.addAndGet(Duration.ofSeconds(1).toNanos());
    assertInstanceOf(ApiKeyStore.Invalid.class, store.check(credential("rum", "k1")));
    assertInstanceOf(ApiKeyStore.Valid.class, store.check(credential("rum", "k2")));
  }

  @Test
  void check_fileBrokenAfterStart_failsClosedUntilFixed() throws Exception {
    Files.writeString(file, "garbage line\n");
    Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 5_000));
    clock.addAndGet(Duration.ofSeconds(2).toNanos());
    assertInstanceOf(ApiKeyStore.Unavailable.class, store.check(credential("rum", "k1")));
    Files.writeString(file, line("rum", "k1", "event:write"));
    Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 10_000));
    clock.addAndGet(Duration.ofSeconds(2).toNanos());
    assertInstanceOf(ApiKeyStore.Valid.class, store.check(credential("rum", "k1")));
  }

  @Test
  void check_fileDeleted_failsClosed() throws Exception {
    Files.delete(file);
    clock.addAndGet(Duration.ofSeconds(2).toNanos());
    assertInstanceOf(ApiKeyStore.Unavailable.class, store.check(credential("rum", "k1")));
  }

  @Test
  void new_malformedFile_throwsNamingFileAndLine() throws Exception {
    Files.writeString(file, "rum nothash event:write\n");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new ApiKeyStore(file, Duration.ofSeconds(1), clock::get));
    assertTrue(e.getMessage().startsWith(file + ": line 1:"), e.getMessage());
  }
}
