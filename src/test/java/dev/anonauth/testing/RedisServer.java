package dev.anonauth.testing;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} on a free loopback port, without persistence, that tests can kill,
 * freeze (SIGSTOP), thaw and restart on the same port. Never the system service.
 */
public final class RedisServer implements AutoCloseable {

  public static final String INSTALL_HINT = "install redis-server: apt-get install -y redis-server";

  private final int port;
  private Process process;

  private RedisServer(int port) {
    this.port = port;
  }

  /** Starts one; fails (never skips) when redis-server is not installed. */
  public static RedisServer start() throws Exception {
    RedisServer server = new RedisServer(freePort());
    server.restart();
    return server;
  }

  public int port() {
    return port;
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  /** (Re)starts the server on its port and waits, bounded, until it answers PING. */
  public void restart() throws Exception {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("still running");
    }
    String executable = findOnPath("redis-server");
    process = new ProcessBuilder(executable, "--port", Integer.toString(port), "--save", "", "--appendonly", "no",
        "--bind", "127.0.0.1", "--protected-mode", "no")
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!"+PONG".equals(command("PING"))) {
      if (System.nanoTime() - deadline > 0 || !process.isAlive()) {
        throw new IllegalStateException("redis-server on port " + port + " did not answer PING within 10 s");
      }
      Thread.sleep(20);
    }
  }

  /** Kills it (SIGKILL): connections drop, all buckets are lost. */
  public void kill() throws InterruptedException {
    if (process != null) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** Freezes it (SIGSTOP): connections stay open, nothing is answered - a slow Redis. */
  public void freeze() throws Exception {
    signal("-STOP");
  }

  public void thaw() throws Exception {
    signal("-CONT");
  }

  private void signal(String signal) throws Exception {
    Process kill = new ProcessBuilder("kill", signal, Long.toString(process.pid())).inheritIO().start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IllegalStateException("kill " + signal + " failed");
    }
  }

  /** One inline command over a fresh socket; the first reply line, or null if it did not answer. */
  public String command(String... words) {
    try (Socket socket = new Socket()) {
      socket.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
      socket.setSoTimeout(1000);
      OutputStream out = socket.getOutputStream();
      out.write((String.join(" ", words) + "\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = socket.getInputStream();
      String first = readLine(in);
      // A bulk string ($<length>): the value is on the next line; $-1 is nil.
      return first.startsWith("$") && !first.equals("$-1") ? readLine(in) : first;
    } catch (IOException e) {
      return null;
    }
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) != -1 && c != '\n') {
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }

  @Override
  public void close() throws Exception {
    if (process != null && process.isAlive()) {
      thaw();
      kill();
    }
  }

  private static String findOnPath(String name) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : List.of(path.split(File.pathSeparator))) {
      File candidate = new File(dir, name);
      if (candidate.canExecute()) {
        return candidate.getPath();
      }
    }
    for (String dir : List.of("/usr/bin", "/usr/local/bin", "/usr/sbin")) {
      File candidate = new File(dir, name);
      if (candidate.canExecute()) {
        return candidate.getPath();
      }
    }
    throw new IllegalStateException(name + " not found on PATH: the Redis tests need a real Redis; " + INSTALL_HINT);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
