package dev.anonauth.credential;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * API keys read from a file ({@link ApiKeyFile} format) and reloaded when the file changes.
 *
 * <p>The file's modification time and size are checked at most once per {@code checkInterval}, on the
 * request path; no thread is started. When a reload fails (the file is gone, unreadable or malformed) the
 * store fails closed: API-key requests get 503 until the file is fixed, so deleting or breaking the file
 * can never keep a revoked key working. The failure is logged once per change of the file, not per request.
 */
final class ApiKeyStore {

  private static final Logger LOG = LoggerFactory.getLogger(ApiKeyStore.class);

  /** Longer credentials are not ours; refusing them before decoding bounds the work per request. */
  static final int MAX_CREDENTIAL_LENGTH = 1024;

  sealed interface Check {}

  record Valid(ApiKey key) implements Check {}

  record Invalid() implements Check {}

  record Unavailable() implements Check {}

  private record Snapshot(Optional<Map<String, ApiKey>> keys, FileTime modified, long size, long checkedAt) {}

  private static final ApiKey DECOY = new ApiKey("", new byte[32], java.util.Set.of());

  private final Path file;
  private final LongSupplier nanoTime;
  private final long checkIntervalNanos;
  private volatile Snapshot snapshot;

  /**
   * Reads the file once; a missing or malformed file at start-up is a configuration error.
   *
   * @throws IllegalArgumentException saying what is wrong with the file
   */
  ApiKeyStore(Path file, Duration checkInterval, LongSupplier nanoTime) {
    this.file = file;
    this.nanoTime = nanoTime;
    this.checkIntervalNanos = checkInterval.toNanos();
    try {
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
      Map<String, ApiKey> keys = ApiKeyFile.parse(Files.readAllLines(file, StandardCharsets.UTF_8));
      this.snapshot = new Snapshot(Optional.of(keys), attributes.lastModifiedTime(), attributes.size(), nanoTime.getAsLong());
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage());
    }
  }

  int size() {
    return snapshot.keys().map(Map::size).orElse(0);
  }

  /** Checks the token of an {@code Authorization: ApiKey <token>} header. */
  Check check(String token) {
    Optional<Map<String, ApiKey>> keys = current().keys();
    if (keys.isEmpty()) {
      return new Unavailable();
    }
    if (token.length() > MAX_CREDENTIAL_LENGTH) {
      return new Invalid();
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(token), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return new Invalid();
    }
    int colon = decoded.indexOf(':');
    if (colon <= 0) {
      return new Invalid();
    }
    ApiKey candidate = keys.get().get(decoded.substring(0, colon));
    // Hash even for an unknown id, so that response time does not tell which ids exist.
    boolean matches = (candidate == null ? DECOY : candidate).matches(decoded.substring(colon + 1));
    return candidate != null && matches ? new Valid(candidate) : new Invalid();
  }

  private Snapshot current() {
    Snapshot seen = snapshot;
    long now = nanoTime.getAsLong();
    if (now - seen.checkedAt() < checkIntervalNanos) {
      return seen;
    }
    synchronized (this) {
      if (snapshot != seen) {
        return snapshot;
      }
      snapshot = reloadIfChanged(seen, now);
      return snapshot;
    }
  }

  private Snapshot reloadIfChanged(Snapshot seen, long now) {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(file, BasicFileAttributes.class);
    } catch (IOException e) {
      if (seen.keys().isPresent() || seen.size() != -1) {
        LOG.warn("API key file {} cannot be read ({}); API-key requests get 503 until it can",
            file, e.getClass().getSimpleName());
      }
      return new Snapshot(Optional.empty(), FileTime.fromMillis(0), -1, now);
    }
    if (attributes.lastModifiedTime().equals(seen.modified()) && attributes.size() == seen.size()) {
      return new Snapshot(seen.keys(), seen.modified(), seen.size(), now);
    }
    try {
      Map<String, ApiKey> keys = ApiKeyFile.parse(Files.readAllLines(file, StandardCharsets.UTF_8));
      LOG.info("API key file {} reloaded: {} keys", file, keys.size());
      return new Snapshot(Optional.of(keys), attributes.lastModifiedTime(), attributes.size(), now);
    } catch (IOException | IllegalArgumentException e) {
      LOG.warn("API key file {} changed but cannot be used ({}); API-key requests get 503 until it is fixed",
          file, e instanceof IOException ? e.getClass().getSimpleName() : e.getMessage());
      return new Snapshot(Optional.empty(), attributes.lastModifiedTime(), attributes.size(), now);
    }
  }
}
