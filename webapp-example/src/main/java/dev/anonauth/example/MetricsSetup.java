package dev.anonauth.example;

import dev.anonauth.metrics.FilterMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;

/**
 * Creates the Prometheus registry that {@code GET /metrics} scrapes and hands it to the filter through
 * the servlet-context attribute {@value FilterMetrics#METER_REGISTRY_ATTRIBUTE}.
 */
public final class MetricsSetup implements ServletContextListener {

  static final String REGISTRY_ATTRIBUTE = MetricsSetup.class.getName() + ".registry";

  @Override
  public void contextInitialized(ServletContextEvent event) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    ServletContext context = event.getServletContext();
    context.setAttribute(FilterMetrics.METER_REGISTRY_ATTRIBUTE, registry);
    context.setAttribute(REGISTRY_ATTRIBUTE, registry);
  }

  @Override
  public void contextDestroyed(ServletContextEvent event) {
    ServletContext context = event.getServletContext();
    if (context.getAttribute(REGISTRY_ATTRIBUTE) instanceof PrometheusMeterRegistry registry) {
      registry.close();
    }
    context.removeAttribute(FilterMetrics.METER_REGISTRY_ATTRIBUTE);
    context.removeAttribute(REGISTRY_ATTRIBUTE);
  }

  static PrometheusMeterRegistry registry(ServletContext context) {
    return (PrometheusMeterRegistry) context.getAttribute(REGISTRY_ATTRIBUTE);
  }
}
