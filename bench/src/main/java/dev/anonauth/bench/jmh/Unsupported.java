package dev.anonauth.bench.jmh;

import java.lang.reflect.Proxy;

/**
 * An implementation of a servlet interface whose every method throws, naming itself. The fakes wrap
 * one and override what the filter needs, so that a method the filter starts calling later shows up
 * as an exception instead of a silently wrong benchmark.
 */
final class Unsupported {

  private Unsupported() {}

  static <T> T of(Class<T> type) {
    return type.cast(Proxy.newProxyInstance(
        type.getClassLoader(),
        new Class<?>[] {type},
        (proxy, method, args) -> {
          if (method.getName().equals("toString")) {
            return "Unsupported " + type.getSimpleName();
          }
          throw new UnsupportedOperationException(
              "the benchmark fake does not implement " + type.getSimpleName() + "." + method.getName());
        }));
  }
}
