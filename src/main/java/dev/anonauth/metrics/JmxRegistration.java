package dev.anonauth.metrics;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import org.slf4j.Logger;

/**
 * One MBean per filter instance on the platform MBean server, named
 * {@code dev.anonauth:type=AnonymousAuthFilter,context=<path>,name=<filter>}, with read-only numeric
 * attributes (one per outcome, events, rate-limit figures) that JConsole, VisualVM and the Prometheus
 * JMX exporter read as they are. A stale MBean of the same name (a re-deployment whose predecessor was
 * never destroyed) is replaced; on unregistration, an MBean that a newer instance has since put in its
 * place is left alone.
 */
final class JmxRegistration {

  static final String DOMAIN = "dev.anonauth";

  private final MBeanServer server;
  private final ObjectName name;
  private final String instanceId;

  private JmxRegistration(MBeanServer server, ObjectName name, String instanceId) {
    this.server = server;
    this.name = name;
    this.instanceId = instanceId;
  }

  static ObjectName objectName(String contextPath, String filterName) throws MalformedObjectNameException {
    return new ObjectName(DOMAIN + ":type=AnonymousAuthFilter,context=" + quoteIfNeeded(contextPath)
        + ",name=" + quoteIfNeeded(filterName));
  }

  /** ObjectName values may not contain {@code , = : " * ?} or a newline unquoted. */
  static String quoteIfNeeded(String value) {
    for (int i = 0; i < value.length(); i++) {
      if (",=:\"*?\n".indexOf(value.charAt(i)) >= 0) {
        return ObjectName.quote(value);
      }
    }
    return value.isEmpty() ? ObjectName.quote(value) : value;
  }

  /** Registers, or logs a warning and returns {@code null}: JMX trouble never stops the filter. */
  static JmxRegistration register(FilterMetrics metrics, Logger log) {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    String instanceId = UUID.randomUUID().toString();
    try {
      ObjectName name = objectName(metrics.contextPath(), metrics.filterName());
      FilterMBean bean = new FilterMBean(metrics, instanceId);
      try {
        server.registerMBean(bean, name);
      } catch (InstanceAlreadyExistsException stale) {
        log.info("replacing the MBean {} left by an earlier instance of the filter", name);
        try {
          server.unregisterMBean(name);
        } catch (InstanceNotFoundException gone) {
          // unregistered meanwhile: fine
        }
        server.registerMBean(bean, name);
      }
      return new JmxRegistration(server, name, instanceId);
    } catch (JMException | RuntimeException e) {
      log.warn("AnonymousAuthFilter '{}': its MBean could not be registered, JMX will not show it: {}",
          metrics.filterName(), e.toString());
      return null;
    }
  }

  void unregister() {
    try {
      if (instanceId.equals(server.getAttribute(name, FilterMBean.INSTANCE_ID))) {
        server.unregisterMBean(name);
      }
    } catch (InstanceNotFoundException gone) {
      // already replaced and removed
    } catch (JMException e) {
      // not ours any more, or going away: nothing to do
    }
  }

  ObjectName name() {
    return name;
  }

  /** Read-only attributes over the filter's counters, built from {@link Outcome}. */
  static final class FilterMBean implements DynamicMBean {

    static final String INSTANCE_ID = "InstanceId";

    private final Map<String, Supplier<Object>> attributes = new LinkedHashMap<>();
    private final MBeanInfo info;

    FilterMBean(FilterMetrics metrics, String instanceId) {
      List<MBeanAttributeInfo> infos = new ArrayList<>();
      for (Outcome outcome : Outcome.values()) {
        add(infos, outcome.attributeName(), "long",
            "Requests with outcome=" + outcome.outcome() + ", reason=" + outcome.reason() + ", since start",
            () -> metrics.requests(outcome));
      }
      add(infos, "EventsAdmitted", "long", "Events in anonymous requests passed on", metrics::eventsAdmitted);
      add(infos, "EventsRefused", "long", "Events in anonymous requests refused by the event rate limit",
          metrics::eventsRefused);
      RateLimitFigures rate = metrics.rateLimit();
      add(infos, "RateLimitClients", "long", "Clients tracked by the rate limiter now", rate::trackedClients);
      add(infos, "RateLimitCapacity", "long", "Most clients tracked at once (ip_limit)", rate::capacity);
      add(infos, "RateLimitHandOvers", "long",
          "New clients that took over the least recently used client's bucket (evictions)", rate::handOvers);
      add(infos, "RateLimitWaitingRequests", "long", "Requests waiting for tokens now", rate::waitingRequests);
      add(infos, "RateLimitWaits", "long", "Requests that waited for tokens", rate::waits);
      add(infos, "RateLimitWaitSeconds", "double", "Time spent waiting for tokens, all requests together",
          () -> rate.waitedNanos() / 1e9);
      add(infos, INSTANCE_ID, "java.lang.String", "Identifies this filter instance", () -> instanceId);
      this.info = new MBeanInfo(getClass().getName(),
          "AnonymousAuthFilter '" + metrics.filterName() + "' at " + metrics.contextPath()
              + ": its decisions and rate-limit store",
          infos.toArray(new MBeanAttributeInfo[0]), null, null, null);
    }

    private void add(List<MBeanAttributeInfo> infos, String name, String type, String description,
        Supplier<Object> value) {
      infos.add(new MBeanAttributeInfo(name, type, description, true, false, false));
      attributes.put(name, value);
    }

    @Override
    public Object getAttribute(String attribute) throws AttributeNotFoundException {
      Supplier<Object> value = attributes.get(attribute);
      if (value == null) {
        throw new AttributeNotFoundException("no attribute " + attribute);
      }
      return value.get();
    }

    @Override
    public void setAttribute(Attribute attribute) throws AttributeNotFoundException {
      throw new AttributeNotFoundException("attribute " + attribute.getName() + " is read-only");
    }

    @Override
    public AttributeList getAttributes(String[] names) {
      AttributeList list = new AttributeList();
      for (String name : names) {
        Supplier<Object> value = attributes.get(name);
        if (value != null) {
          list.add(new Attribute(name, value.get()));
        }
      }
      return list;
    }

    @Override
    public AttributeList setAttributes(AttributeList list) {
      return new AttributeList();
    }

    @Override
    public Object invoke(String action, Object[] params, String[] signature) {
      throw new UnsupportedOperationException("no operations");
    }

    @Override
    public MBeanInfo getMBeanInfo() {
      return info;
    }
  }
}
