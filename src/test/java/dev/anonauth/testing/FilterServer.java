package dev.anonauth.testing;

import dev.anonauth.AnonymousAuthFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * An embedded Jetty 12 (ee10) server with the filter configured through init-params exactly as
 * {@code web.xml} would, in front of a servlet that records what reached the application.
 * Listens on all loopback addresses so that tests can connect from 127.0.0.2, 127.0.0.3, ...
 */
public final class FilterServer implements AutoCloseable {

  private final Server server;
  private final RecordingServlet downstream = new RecordingServlet();

  private FilterServer(Server server) {
    this.server = server;
  }

  /** Starts a server with {@link AnonymousAuthFilter} mapped to {@code /*}. */
  public static FilterServer start(Map<String, String> initParams) throws Exception {
    return start(new AnonymousAuthFilter(), initParams, "/");
  }

  public static FilterServer start(Filter filter, Map<String, String> initParams, String contextPath)
      throws Exception {
    return start(null, filter, initParams, contextPath);
  }

  /** As {@link #start(Map)}, with {@code before} (e.g. a CORS filter) running first. */
  public static FilterServer startBehind(Filter before, Map<String, String> initParams) throws Exception {
    return start(before, new AnonymousAuthFilter(), initParams, "/");
  }

  private static FilterServer start(
      Filter before, Filter filter, Map<String, String> initParams, String contextPath) throws Exception {
    return start(before, filter, initParams, contextPath, Map.of());
  }

  /** As {@link #start(Filter, Map, String)}, with servlet-context attributes set before the filter starts. */
  public static FilterServer start(
      Filter filter, Map<String, String> initParams, String contextPath, Map<String, Object> contextAttributes)
      throws Exception {
    return start(null, filter, initParams, contextPath, contextAttributes);
  }

  private static FilterServer start(
      Filter before, Filter filter, Map<String, String> initParams, String contextPath,
      Map<String, Object> contextAttributes) throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("0.0.0.0");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler(contextPath);
    contextAttributes.forEach(context::setAttribute);
    FilterServer result = new FilterServer(server);
    if (before != null) {
      context.addFilter(new FilterHolder(before), "/*", EnumSet.of(DispatcherType.REQUEST));
    }
    FilterHolder holder = new FilterHolder(filter);
    holder.setName("anonymous-auth");
    holder.setInitParameters(new LinkedHashMap<>(initParams));
    context.addFilter(holder, "/*", EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(new ServletHolder(result.downstream), "/*");
    server.setHandler(context);
    server.start();
    return result;
  }

  public int port() {
    return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port() + path);
  }

  /** What reached the application, in order. */
  public List<Received> received() {
    synchronized (downstream.received) {
      return List.copyOf(downstream.received);
    }
  }

  public RawHttp.Response send(RawHttp.Request request) throws IOException {
    return RawHttp.send(InetAddress.getLoopbackAddress(), port(), request);
  }

  public RawHttp.Response sendFrom(String localAddress, RawHttp.Request request) throws IOException {
    return RawHttp.sendFrom(InetAddress.getByName(localAddress), port(), request);
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }

  /** A request as the application saw it. */
  public record Received(
      String method,
      String path,
      String query,
      Map<String, List<String>> headers,
      byte[] body,
      Map<String, String[]> parameters) {}

  /** Records every request and answers 202 like the APM Server's intake. */
  static final class RecordingServlet extends HttpServlet {
    private final List<Received> received = new ArrayList<>();

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
      Map<String, List<String>> headers = new LinkedHashMap<>();
      for (String name : Collections.list(request.getHeaderNames())) {
        headers.put(name.toLowerCase(java.util.Locale.ROOT), Collections.list(request.getHeaders(name)));
      }
      Map<String, String[]> parameters = Map.of();
      byte[] body;
      if ("application/x-www-form-urlencoded".equals(request.getContentType())) {
        parameters = Map.copyOf(request.getParameterMap());
        body = new byte[0];
      } else {
        body = request.getInputStream().readAllBytes();
      }
      String path = request.getRequestURI();
      synchronized (received) {
        received.add(
            new Received(request.getMethod(), path, request.getQueryString(), headers, body, parameters));
      }
      response.setStatus(202);
    }
  }
}
