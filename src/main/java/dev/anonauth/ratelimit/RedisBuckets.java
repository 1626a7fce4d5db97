package dev.anonauth.ratelimit;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * {@link SharedBuckets} in Redis through Lettuce: each operation is one {@code EVALSHA} of
 * {@code token_bucket.lua} (atomic in Redis, one round trip, the Redis server's clock), on one
 * multiplexed connection shared by all request threads.
 *
 * <p>Never hangs a request thread: every command times out after {@code timeout} (Lettuce's
 * {@link TimeoutOptions}, and our own bounded {@code get}); while the connection is down commands
 * are rejected at once rather than queued ({@link ClientOptions.DisconnectedBehavior#REJECT_COMMANDS});
 * Lettuce reconnects by itself, with at most 1 s between attempts. If Redis is unreachable at
 * start-up, the first connection is attempted in the background by later calls.
 *
 * <p>Keys are {@code anonauth:rl:<client key>} hashes that expire once the bucket would be full
 * again, so Redis holds only the clients seen in the last few seconds.
 *
 * <p>Loaded reflectively by {@link AnonymousRateLimiter} only when the Redis store is chosen, so
 * that lettuce-core stays an optional dependency.
 */
final class RedisBuckets implements SharedBuckets {

  static final String KEY_PREFIX = "anonauth:rl:";
  private static final String SCRIPT = loadScript();
  private static final String SHA = sha1(SCRIPT);

  private final ClientResources resources;
  private final RedisClient client;
  private final RedisURI uri;
  private final long timeoutNanos;
  private final String capacity;
  private final String ratePerSecond;
  private final AtomicBoolean connecting = new AtomicBoolean();
  private volatile StatefulRedisConnection<String, String> connection;

  /**
   * @param password the password when given apart from the URL, else null
   */
  RedisBuckets(String url, String password, Duration timeout, long capacity, long ratePerSecond) {
    this.timeoutNanos = timeout.toNanos();
    this.capacity = Long.toString(capacity);
    this.ratePerSecond = Long.toString(ratePerSecond);
    this.uri = RedisURI.create(url);
    if (password != null) {
      uri.setPassword(password.toCharArray());
    }
    uri.setTimeout(timeout);
    this.resources = ClientResources.builder()
        .ioThreadPoolSize(2)
        .computationThreadPoolSize(2)
        .reconnectDelay(Delay.exponential(Duration.ofMillis(20), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
        .build();
    this.client = RedisClient.create(resources);
    client.setOptions(ClientOptions.builder()
        .autoReconnect(true)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .requestQueueSize(10_000)
        .socketOptions(SocketOptions.builder().connectTimeout(timeout).keepAlive(true).build())
        .timeoutOptions(TimeoutOptions.enabled(timeout))
        .build());
  }

  @Override
  public boolean connectNow() {
    connectInBackground();
    long deadline = System.nanoTime() + timeoutNanos * 2;
    while (connection == null && System.nanoTime() - deadline < 0 && connecting.get()) {
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return connection != null;
  }

  private void connectInBackground() {
    if (connection != null || !connecting.compareAndSet(false, true)) {
      return;
    }
    client.connectAsync(StringCodec.UTF8, uri).whenComplete((connected, failure) -> {
      if (connected != null) {
        connection = connected;
      }
      connecting.set(false);
    });
  }

  @Override
  public Answer take(String key, long tokens, long maxWaitNanos) throws Unavailable {
    CompletableFuture<List<Object>> call = call(key, tokens, maxWaitNanos);
    try {
      return answer(call.get(timeoutNanos + TimeUnit.MILLISECONDS.toNanos(50), TimeUnit.NANOSECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unavailable("interrupted while waiting for Redis", e);
    } catch (ExecutionException e) {
      throw new Unavailable("Redis failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      call.cancel(false);
      throw new Unavailable("Redis did not answer within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + "ms", e);
    } catch (RuntimeException e) {
      throw new Unavailable("Redis failed: " + e, e);
    }
  }

  @Override
  public void takeAsync(String key, long tokens, Consumer<Answer> onAnswer, Consumer<Throwable> onFailure) {
    call(key, tokens, 0).whenComplete((result, failure) -> {
      if (failure != null) {
        onFailure.accept(failure);
      } else {
        try {
          onAnswer.accept(answer(result));
        } catch (RuntimeException e) {
          onFailure.accept(e);
        }
      }
    });
  }

  private CompletableFuture<List<Object>> call(String key, long tokens, long maxWaitNanos) {
    StatefulRedisConnection<String, String> current = connection;
    if (current == null) {
      connectInBackground();
      return CompletableFuture.failedFuture(new IllegalStateException("not connected to Redis yet"));
    }
    String[] keys = {KEY_PREFIX + key};
    String[] args = {capacity, ratePerSecond, Long.toString(tokens), Long.toString(TimeUnit.NANOSECONDS.toMicros(maxWaitNanos))};
    try {
      RedisFuture<List<Object>> first = current.async().evalsha(SHA, ScriptOutputType.MULTI, keys, args);
      // After a Redis restart its script cache is empty: send the script itself once, then EVALSHA works again.
      CompletionStage<List<Object>> withReload = first.handle((result, failure) -> {
        if (failure == null) {
          return CompletableFuture.completedFuture(result);
        }
        Throwable cause = failure instanceof java.util.concurrent.CompletionException ? failure.getCause() : failure;
        if (cause instanceof RedisNoScriptException) {
          return current.async().<List<Object>>eval(SCRIPT, ScriptOutputType.MULTI, keys, args).toCompletableFuture();
        }
        return CompletableFuture.<List<Object>>failedFuture(cause);
      }).thenCompose(stage -> stage);
      return withReload.toCompletableFuture();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static Answer answer(List<Object> result) {
    if (result == null || result.size() != 3) {
      throw new IllegalStateException("unexpected answer from the rate-limit script: " + result);
    }
    boolean taken = ((Number) result.get(0)).longValue() == 1;
    long remaining = ((Number) result.get(1)).longValue();
    long waitMicros = ((Number) result.get(2)).longValue();
    return new Answer(taken, remaining, TimeUnit.MICROSECONDS.toNanos(waitMicros));
  }

  @Override
  public void close() {
    StatefulRedisConnection<String, String> current = connection;
    if (current != null) {
      current.close();
    }
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }

  private static String loadScript() {
    try (InputStream in = RedisBuckets.class.getResourceAsStream("token_bucket.lua")) {
      if (in == null) {
        throw new IllegalStateException("token_bucket.lua is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("token_bucket.lua cannot be read", e);
    }
  }

  private static String sha1(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
