package dev.anonauth;

import dev.anonauth.testing.FilterServer;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.management.ObjectName;

/**
 * Runs inside {@link MicrometerAbsentIT}'s class loader, which has no Micrometer: starts the filter,
 * sends one anonymous request over a socket and reads the MBean. Returns only JDK types.
 */
public final class MicrometerAbsentProbe {

  private MicrometerAbsentProbe() {}

  public static Map<String, Object> run() throws Exception {
    Map<String, Object> result = new LinkedHashMap<>();
    try {
      Class.forName("io.micrometer.core.instrument.MeterRegistry");
      result.put("micrometer", "present");
    } catch (ClassNotFoundException expected) {
      result.put("micrometer", "absent");
    }
    result.put("filter loaded by", AnonymousAuthFilter.class.getClassLoader());
    FilterServer server = FilterServer.start(AnonymousAuthFilterIT.params());
    try {
      result.put("status", server.send(AnonymousAuthFilterIT.rum("/intake/v2/rum/events", AnonymousAuthFilterIT.RUM)).status());
      result.put("AnonymousAllowed", ManagementFactory.getPlatformMBeanServer().getAttribute(
          new ObjectName("dev.anonauth:type=AnonymousAuthFilter,context=/,name=anonymous-auth"), "AnonymousAllowed"));
    } finally {
      server.close();
    }
    return result;
  }
}
