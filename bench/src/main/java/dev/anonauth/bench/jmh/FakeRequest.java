package dev.anonauth.bench.jmh;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A reusable HTTP request over a byte array, for the micro-benchmarks (a mock framework would cost
 * more than the code measured). Not thread-safe: one per benchmark thread. {@link #rewind()} makes the
 * body readable again without allocating, so that {@code -prof gc} shows the filter's allocations.
 * Methods not overridden here throw (see {@link Unsupported}).
 */
public final class FakeRequest extends HttpServletRequestWrapper {

  private final String method;
  private final String uri;
  private final String remoteAddr;
  private final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
  private final Map<String, Object> attributes = new TreeMap<>();
  private final Body body = new Body();

  public FakeRequest(String method, String uri, String remoteAddr) {
    super(Unsupported.of(HttpServletRequest.class));
    this.method = method;
    this.uri = uri;
    this.remoteAddr = remoteAddr;
  }

  /** Sets (replaces) a header; the value list is kept, so repeated lookups allocate nothing more. */
  public FakeRequest header(String name, String value) {
    headers.put(name, List.of(value));
    return this;
  }

  /** Sets a header to a prepared value list (a map update, no allocation). */
  public void headerValues(String name, List<String> values) {
    headers.put(name, values);
  }

  public FakeRequest body(byte[] bytes) {
    body.bytes = bytes;
    body.position = 0;
    return this;
  }

  /** Makes the body readable from the start again. */
  public void rewind() {
    body.position = 0;
  }

  @Override
  public String getMethod() {
    return method;
  }

  @Override
  public String getRequestURI() {
    return uri;
  }

  @Override
  public StringBuffer getRequestURL() {
    return new StringBuffer("http://localhost:8200").append(uri);
  }

  @Override
  public String getServletPath() {
    return uri;
  }

  @Override
  public String getPathInfo() {
    return null;
  }

  @Override
  public String getContextPath() {
    return "";
  }

  @Override
  public String getQueryString() {
    return null;
  }

  @Override
  public String getParameter(String name) {
    return null;
  }

  @Override
  public String getRemoteAddr() {
    return remoteAddr;
  }

  @Override
  public String getRemoteHost() {
    return remoteAddr;
  }

  @Override
  public String getHeader(String name) {
    List<String> values = headers.get(name);
    return values == null ? null : values.get(0);
  }

  @Override
  public Enumeration<String> getHeaders(String name) {
    List<String> values = headers.get(name);
    return values == null ? Collections.emptyEnumeration() : Collections.enumeration(values);
  }

  @Override
  public Enumeration<String> getHeaderNames() {
    return Collections.enumeration(new ArrayList<>(headers.keySet()));
  }

  @Override
  public int getIntHeader(String name) {
    String value = getHeader(name);
    return value == null ? -1 : Integer.parseInt(value);
  }

  @Override
  public String getContentType() {
    return getHeader("Content-Type");
  }

  @Override
  public String getCharacterEncoding() {
    return null;
  }

  @Override
  public int getContentLength() {
    return body.bytes.length;
  }

  @Override
  public long getContentLengthLong() {
    return body.bytes.length;
  }

  @Override
  public ServletInputStream getInputStream() {
    return body;
  }

  @Override
  public BufferedReader getReader() {
    return new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
  }

  @Override
  public Object getAttribute(String name) {
    return attributes.get(name);
  }

  @Override
  public void setAttribute(String name, Object value) {
    attributes.put(name, value);
  }

  @Override
  public void removeAttribute(String name) {
    attributes.remove(name);
  }

  @Override
  public Locale getLocale() {
    return Locale.ROOT;
  }

  @Override
  public boolean isSecure() {
    return false;
  }

  @Override
  public String getScheme() {
    return "http";
  }

  @Override
  public String getProtocol() {
    return "HTTP/1.1";
  }

  private static final class Body extends ServletInputStream {
    byte[] bytes = new byte[0];
    int position;

    @Override
    public int read() {
      return position < bytes.length ? bytes[position++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (position >= bytes.length) {
        return -1;
      }
      int n = Math.min(len, bytes.length - position);
      System.arraycopy(bytes, position, b, off, n);
      position += n;
      return n;
    }

    @Override
    public int available() {
      return bytes.length - position;
    }

    @Override
    public boolean isFinished() {
      return position >= bytes.length;
    }

    @Override
    public boolean isReady() {
      return true;
    }

    @Override
    public void setReadListener(ReadListener readListener) {
      throw new UnsupportedOperationException("blocking reads only");
    }
  }
}
