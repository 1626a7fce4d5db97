package dev.anonauth.ratelimit;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the Redis-backed {@link SharedBuckets} without linking to Lettuce: the Redis client is an
 * optional dependency, so {@link RedisBuckets} (the only class that names Lettuce types) is loaded
 * reflectively, and only when {@code auth.anonymous.rate_limit.store=redis} asks for it. Also the
 * outage log, which says once that Redis went away and once that it came back.
 */
final class RedisStoreLoader {

  private static final Logger LOG = LoggerFactory.getLogger(AnonymousRateLimiter.class);
  static final String REDIS_BUCKETS_CLASS = "dev.anonauth.ratelimit.RedisBuckets";
  static final String LETTUCE_CLASS = "io.lettuce.core.RedisClient";

  private RedisStoreLoader() {}

  /**
   * @throws IllegalStateException if lettuce-core is missing
   * @throws IllegalArgumentException if the URL is unusable
   */
  static SharedBuckets load(String url, String password, Duration timeout, long capacity, long ratePerSecond) {
    ClassLoader loader = RedisStoreLoader.class.getClassLoader();
    requireOnClassPath(LETTUCE_CLASS, loader);
    if (capacity == 0) {
      // eventLimit 0 refuses everything locally; nothing to share.
      capacity = 1;
      ratePerSecond = 1;
    }
    try {
      return (SharedBuckets) Class.forName(REDIS_BUCKETS_CLASS, true, loader)
          .getDeclaredConstructor(String.class, String.class, Duration.class, long.class, long.class)
          .newInstance(url, password, timeout, capacity, ratePerSecond);
    } catch (java.lang.reflect.InvocationTargetException e) {
      Throwable cause = e.getCause();
      throw new IllegalArgumentException("cannot use the Redis URL: " + cause.getMessage(), cause);
    } catch (ReflectiveOperationException | LinkageError e) {
      throw new IllegalStateException("cannot load the Redis store: " + e, e);
    }
  }

  /** Fails with what to add when the optional Redis client is not there. */
  static void requireOnClassPath(String className, ClassLoader loader) {
    try {
      Class.forName(className, false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      throw new IllegalStateException("the Redis store needs io.lettuce:lettuce-core (6.x) on the class path, e.g. "
          + "in WEB-INF/lib: add the dependency to the WAR (" + className + " not found)", e);
    }
  }

  /** Logs the outage once and the recovery once. */
  static SharedStoreHealth.Listener outageLog(boolean failOpen) {
    return new SharedStoreHealth.Listener() {
      @Override
      public void wentDown(Throwable cause) {
        LOG.warn("Redis rate-limit store unavailable ({}); {} until it answers again", cause.toString(),
            failOpen ? "deciding anonymous requests on this node's own buckets (on_failure=local)"
                : "refusing anonymous requests with 503 (on_failure=deny)");
      }

      @Override
      public void cameBack(long downNanos, long decidedWithoutStore) {
        LOG.info("Redis rate-limit store available again after {} ms; {} decisions were made without it meanwhile",
            Duration.ofNanos(downNanos).toMillis(), decidedWithoutStore);
      }
    };
  }
}
