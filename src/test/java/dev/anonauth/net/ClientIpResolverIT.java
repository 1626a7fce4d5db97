package dev.anonauth.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.anonauth.testing.RawHttp;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Over real sockets from different loopback addresses: a trusted proxy's forwarding headers are honoured,
 * the same headers from any other peer are not.
 */
class ClientIpResolverIT {

  private static final InetAddress TRUSTED_PROXY = loopback(2);
  private static final InetAddress STRANGER = loopback(3);

  private static Server server;
  private static int port;

  @BeforeAll
  static void startJetty() throws Exception {
    ClientIpResolver resolver =
        new ClientIpResolver(ClientIpResolver.DEFAULT_HEADERS, IpRanges.parse("127.0.0.2/32"), 64);
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    // All of 127.0.0.0/8 must reach us: RawHttp.sendFrom connects to the address it binds.
    connector.setHost("0.0.0.0");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler("/");
    context.addServlet(new ServletHolder(new KeyServlet(resolver)), "/*");
    server.setHandler(context);
    server.start();
    port = connector.getLocalPort();
  }

  @AfterAll
  static void stopJetty() throws Exception {
    if (server != null) {
      server.stop();
    }
  }

  @Test
  void resolve_xForwardedForFromTrustedProxy_isHonoured() throws IOException {
    assertEquals("198.51.100.1", keyFrom(TRUSTED_PROXY, "X-Forwarded-For", "6.6.6.6, 198.51.100.1"));
  }

  @Test
  void resolve_xForwardedForFromUntrustedPeer_isIgnored() throws IOException {
    assertEquals("127.0.0.3", keyFrom(STRANGER, "X-Forwarded-For", "6.6.6.6, 198.51.100.1"));
  }

  @Test
  void resolve_forwardedFromTrustedProxy_isHonoured() throws IOException {
    assertEquals("2001:db8:cafe::/64", keyFrom(TRUSTED_PROXY, "Forwarded", "for=\"[2001:db8:cafe::17]:4711\""));
  }

  @Test
  void resolve_forwardedFromUntrustedPeer_isIgnored() throws IOException {
    assertEquals("127.0.0.3", keyFrom(STRANGER, "Forwarded", "for=\"[2001:db8:cafe::17]:4711\""));
  }

  @Test
  void resolve_repeatedHeaderLinesFromTrustedProxy_areWalkedInOrder() throws IOException {
    RawHttp.Response response =
        RawHttp.sendFrom(
            TRUSTED_PROXY,
            port,
            RawHttp.get("/").header("X-Forwarded-For", "6.6.6.6").header("X-Forwarded-For", "198.51.100.2, 127.0.0.2"));

    assertEquals("198.51.100.2", response.bodyText());
  }

  @Test
  void resolve_hostileHeaderFromTrustedProxy_answersWithThePeer() throws IOException {
    assertEquals("127.0.0.2", keyFrom(TRUSTED_PROXY, "X-Forwarded-For", "\u200B1.2.3.4, \"unknown\", ü"));
  }

  private static String keyFrom(InetAddress peer, String header, String value) throws IOException {
    RawHttp.Response response = RawHttp.sendFrom(peer, port, RawHttp.get("/").header(header, value));
    assertEquals(200, response.status(), response.bodyText());
    return response.bodyText();
  }

  private static InetAddress loopback(int last) {
    try {
      return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) last});
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Answers with the rate-limit key of the caller. */
  private static final class KeyServlet extends HttpServlet {
    private final transient ClientIpResolver resolver;

    KeyServlet(ClientIpResolver resolver) {
      this.resolver = resolver;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
      response.setContentType("text/plain;charset=utf-8");
      response.getOutputStream().write(resolver.resolve(request).key().getBytes(StandardCharsets.UTF_8));
    }
  }
}
