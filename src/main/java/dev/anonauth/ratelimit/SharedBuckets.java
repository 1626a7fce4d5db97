package dev.anonauth.ratelimit;

import java.util.function.Consumer;

/**
 * Token buckets shared by every node of a cluster (Redis). One call is one atomic operation on the
 * store, one network round trip. Both calls are bounded by the store's timeout: a call that cannot be
 * answered in time fails with {@link Unavailable} (sync) or reports it to {@code onFailure} (async);
 * neither ever blocks past the timeout.
 */
interface SharedBuckets extends AutoCloseable {

  /**
   * Takes {@code tokens} from the bucket of {@code key}, all or none. If they are not there but would
   * be back within {@code maxWaitNanos}, they are reserved (the bucket goes into debt) and the answer
   * says how long to wait before using them; otherwise nothing is taken.
   *
   * @param tokens tokens to take; negative hands tokens back (capped at the capacity)
   */
  Answer take(String key, long tokens, long maxWaitNanos) throws Unavailable;

  /** As {@link #take} without waiting for the answer (pipelined on the same connection). */
  void takeAsync(String key, long tokens, Consumer<Answer> onAnswer, Consumer<Throwable> onFailure);

  /** Connects, waiting at most about the timeout; false if the store did not answer (calls retry later). */
  boolean connectNow();

  /** Releases connections and threads. */
  @Override
  void close();

  /**
   * @param taken whether the tokens were taken (possibly as a reservation: {@code nanosToWait > 0})
   * @param remainingTokens tokens left after the operation, never negative
   * @param nanosToWait if taken: how long to wait before using a reservation (0 = use now); if not
   *     taken: how long until the tokens asked for are back
   */
  record Answer(boolean taken, long remainingTokens, long nanosToWait) {}

  /** The store could not answer within its timeout (down, slow, restarting, not yet connected). */
  final class Unavailable extends Exception {
    Unavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
