package dev.anonauth.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A minimal HTTP/1.1 client over a real socket. Unlike {@code java.net.http.HttpClient} it can bind the
 * client side to a chosen loopback address (127.0.0.2, ...), send any header verbatim (repeated,
 * non-ASCII, absurdly long) and send a body that stops mid-upload.
 */
public final class RawHttp {

  private RawHttp() {}

  public static Request post(String path) {
    return new Request("POST", path);
  }

  public static Request get(String path) {
    return new Request("GET", path);
  }

  public static Request request(String method, String path) {
    return new Request(method, path);
  }

  /** A request under construction; headers keep their order and may repeat. */
  public static final class Request {
    final String method;
    final String path;
    final List<String[]> headers = new ArrayList<>();
    byte[] body = new byte[0];
    boolean truncate;
    long declaredLength = -1;

    Request(String method, String path) {
      this.method = method;
      this.path = path;
    }

    public Request header(String name, String value) {
      headers.add(new String[] {name, value});
      return this;
    }

    public Request body(byte[] bytes) {
      this.body = bytes;
      return this;
    }

    public Request body(String text) {
      return body(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Declares {@code contentLength} but sends only the body given, then half-closes the socket. */
    public Request stopMidUpload(long contentLength) {
      this.truncate = true;
      this.declaredLength = contentLength;
      return this;
    }
  }

  /** A response: status, headers (lower-cased names) and body. */
  public record Response(int status, Map<String, List<String>> headers, byte[] body) {
    public String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null || values.isEmpty() ? null : values.get(0);
    }

    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  public static Response send(InetAddress server, int port, Request request) throws IOException {
    return sendFrom(null, server, port, request);
  }

  public static Response sendFrom(InetAddress local, int port, Request request) throws IOException {
    return sendFrom(local, local, port, request);
  }

  private static Response sendFrom(InetAddress local, InetAddress server, int port, Request request)
      throws IOException {
    try (Socket socket = new Socket()) {
      socket.setSoTimeout(30_000);
      if (local != null) {
        socket.bind(new InetSocketAddress(local, 0));
      }
      socket.connect(new InetSocketAddress(server, port), 5_000);
      OutputStream out = socket.getOutputStream();
      StringBuilder head = new StringBuilder();
      head.append(request.method).append(' ').append(request.path).append(" HTTP/1.1\r\n");
      head.append("Host: localhost\r\n");
      head.append("Connection: close\r\n");
      long length = request.truncate ? request.declaredLength : request.body.length;
      if (length > 0 || !request.method.equals("GET")) {
        head.append("Content-Length: ").append(length).append("\r\n");
      }
      for (String[] header : request.headers) {
        head.append(header[0]).append(": ").append(header[1]).append("\r\n");
      }
      head.append("\r\n");
      out.write(head.toString().getBytes(StandardCharsets.UTF_8));
      out.write(request.body);
      out.flush();
      if (request.truncate) {
        socket.shutdownOutput();
      }
      return read(socket.getInputStream());
    }
  }

  private static Response read(InputStream in) throws IOException {
    byte[] all = in.readAllBytes();
    int headerEnd = indexOf(all, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    if (headerEnd < 0) {
      throw new IOException("no complete response head: " + new String(all, StandardCharsets.ISO_8859_1));
    }
    String[] lines = new String(all, 0, headerEnd, StandardCharsets.ISO_8859_1).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
      headers.computeIfAbsent(name, n -> new ArrayList<>()).add(lines[i].substring(colon + 1).trim());
    }
    byte[] rest = java.util.Arrays.copyOfRange(all, headerEnd + 4, all.length);
    List<String> encoding = headers.get("transfer-encoding");
    if (encoding != null && encoding.get(0).equalsIgnoreCase("chunked")) {
      rest = dechunk(rest);
    }
    return new Response(status, headers, rest);
  }

  private static byte[] dechunk(byte[] chunked) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int pos = 0;
    while (pos < chunked.length) {
      int lineEnd = indexOf(java.util.Arrays.copyOfRange(chunked, pos, chunked.length), new byte[] {'\r', '\n'});
      String sizeLine = new String(chunked, pos, lineEnd, StandardCharsets.US_ASCII);
      int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
      pos += lineEnd + 2;
      if (size == 0) {
        break;
      }
      out.write(chunked, pos, size);
      pos += size + 2;
    }
    return out.toByteArray();
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
