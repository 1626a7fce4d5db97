package dev.anonauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Micrometer is an optional dependency: without it on the class path the filter starts, counts and uses JMX. */
class MicrometerAbsentIT {

  @Test
  void filter_micrometerNotOnTheClassPath_startsCountsAndPublishesThroughJmx() throws Exception {
    String classPath = System.getProperty("java.class.path");
    assertTrue(classPath.contains("micrometer-core"), "the test class path should have Micrometer to remove: " + classPath);
    URL[] withoutMicrometer = Stream.of(classPath.split(File.pathSeparator))
        .filter(entry -> !entry.contains("micrometer"))
        .map(MicrometerAbsentIT::url)
        .toArray(URL[]::new);
    try (URLClassLoader isolated = new URLClassLoader(withoutMicrometer, ClassLoader.getPlatformClassLoader())) {
      Class<?> probe = isolated.loadClass(MicrometerAbsentProbe.class.getName());
      @SuppressWarnings("unchecked")
      Map<String, Object> result = (Map<String, Object>) probe.getMethod("run").invoke(null);
      assertEquals("absent", result.get("micrometer"));
      assertSame(isolated, result.get("filter loaded by"));
      assertEquals(202, result.get("status"));
      assertEquals(1L, result.get("AnonymousAllowed"));
    }
  }

  private static URL url(String entry) {
    try {
      return Path.of(entry).toUri().toURL();
    } catch (MalformedURLException e) {
      throw new IllegalArgumentException(entry, e);
    }
  }
}
