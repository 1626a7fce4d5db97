package dev.anonauth.http;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UnsupportedEncodingException;
import java.net.URLDecoder;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A request whose body was read (and inspected) before the application saw it, replayed from memory:
 * the same bytes (a gzip body stays gzip), the same headers, a working {@link #getInputStream()}
 * (including the non-blocking {@link ReadListener} protocol), {@link #getReader()} and, for
 * {@code application/x-www-form-urlencoded} POSTs, {@link #getParameter(String)} and friends — which
 * the container can no longer provide because the body stream was consumed.
 *
 * <p>Form parameters are parsed from the buffered bytes in the request's character encoding
 * (default UTF-8, as Jetty 12 does) and merged after the query-string parameters (query first, as
 * the Servlet specification orders them). The query string is always decoded as UTF-8.
 */
public final class ReplayingRequest extends HttpServletRequestWrapper {

  private final byte[] body;
  private final int length;
  private boolean streamUsed;
  private boolean readerUsed;
  private Map<String, String[]> parameters;

  /** Replays {@code body[0 .. length)} as the body of {@code request}; the array is not copied. */
  public ReplayingRequest(HttpServletRequest request, byte[] body, int length) {
    super(request);
    if (length < 0 || length > body.length) {
      throw new IllegalArgumentException("length was set to " + length + ", must be in [0, " + body.length + "]");
    }
    this.body = body;
    this.length = length;
  }

  @Override
  public ServletInputStream getInputStream() {
    if (readerUsed) {
      throw new IllegalStateException("getReader() has already been called for this request");
    }
    streamUsed = true;
    return new Replay(this, body, length);
  }

  @Override
  public BufferedReader getReader() throws UnsupportedEncodingException {
    if (streamUsed) {
      throw new IllegalStateException("getInputStream() has already been called for this request");
    }
    Charset charset = charset();
    readerUsed = true;
    return new BufferedReader(new InputStreamReader(new ByteArrayInputStream(body, 0, length), charset));
  }

  @Override
  public int getContentLength() {
    return length;
  }

  @Override
  public long getContentLengthLong() {
    return length;
  }

  @Override
  public String getParameter(String name) {
    String[] values = parameterMap().get(name);
    return values == null ? null : values[0];
  }

  @Override
  public Map<String, String[]> getParameterMap() {
    return parameterMap();
  }

  @Override
  public Enumeration<String> getParameterNames() {
    return Collections.enumeration(parameterMap().keySet());
  }

  @Override
  public String[] getParameterValues(String name) {
    String[] values = parameterMap().get(name);
    return values == null ? null : values.clone();
  }

  private Map<String, String[]> parameterMap() {
    if (parameters == null) {
      if (!isFormPost()) {
        // Not a form: the container parses only the query string and never touches the body.
        parameters = super.getParameterMap();
      } else {
        Map<String, List<String>> merged = new LinkedHashMap<>();
        parse(getQueryString(), StandardCharsets.UTF_8, merged);
        Charset charset;
        try {
          charset = charset();
        } catch (UnsupportedEncodingException e) {
          charset = StandardCharsets.UTF_8;
        }
        parse(new String(body, 0, length, StandardCharsets.ISO_8859_1), charset, merged);
        Map<String, String[]> result = new LinkedHashMap<>();
        merged.forEach((k, v) -> result.put(k, v.toArray(String[]::new)));
        parameters = Collections.unmodifiableMap(result);
      }
    }
    return parameters;
  }

  private boolean isFormPost() {
    String contentType = getContentType();
    return "POST".equalsIgnoreCase(getMethod())
        && contentType != null
        && contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded");
  }

  /**
   * Parses {@code a=1&b=2}; {@code text} holds one char per byte (ISO-8859-1) so that percent-escapes
   * and raw bytes are both decoded in {@code charset}.
   */
  static void parse(String text, Charset charset, Map<String, List<String>> into) {
    if (text == null || text.isEmpty()) {
      return;
    }
    for (String pair : text.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      into.computeIfAbsent(decode(name, charset), k -> new ArrayList<>()).add(decode(value, charset));
    }
  }

  private static String decode(String latin1, Charset charset) {
    // Re-encode the raw bytes first so URLDecoder sees the original octets, then decode %XX in charset.
    String raw = new String(latin1.getBytes(StandardCharsets.ISO_8859_1), charset);
    try {
      return URLDecoder.decode(raw, charset);
    } catch (IllegalArgumentException e) {
      return raw; // a malformed escape stays as sent, as Jetty does in its lenient mode
    }
  }

  private Charset charset() throws UnsupportedEncodingException {
    String name = getCharacterEncoding();
    if (name == null) {
      return StandardCharsets.UTF_8;
    }
    try {
      return Charset.forName(name);
    } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
      throw new UnsupportedEncodingException(name);
    }
  }

  /** The body as a {@link ServletInputStream}; all of it is available at once. */
  private static final class Replay extends ServletInputStream {
    private final HttpServletRequest request;
    private final byte[] body;
    private final int length;
    private int position;
    private ReadListener listener;
    private boolean allDataReadSignalled;
    private boolean delivering;

    Replay(HttpServletRequest request, byte[] body, int length) {
      this.request = request;
      this.body = body;
      this.length = length;
    }

    @Override
    public int read() {
      if (position >= length) {
        signalAllDataRead();
        return -1;
      }
      return body[position++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      java.util.Objects.checkFromIndexSize(off, len, b.length);
      if (len == 0) {
        return 0;
      }
      if (position >= length) {
        signalAllDataRead();
        return -1;
      }
      int n = Math.min(len, length - position);
      System.arraycopy(body, position, b, off, n);
      position += n;
      return n;
    }

    @Override
    public int available() {
      return length - position;
    }

    @Override
    public long skip(long n) {
      long skipped = Math.max(0, Math.min(n, length - position));
      position += (int) skipped;
      return skipped;
    }

    @Override
    public boolean isFinished() {
      return position >= length;
    }

    @Override
    public boolean isReady() {
      return true; // everything is in memory: a read never blocks
    }

    /**
     * As a container does: on a container thread ({@code AsyncContext.start}) the listener gets
     * {@code onDataAvailable} (unless the body is empty) and, once the body has been read to its end,
     * {@code onAllDataRead}; an exception thrown by the listener goes to its {@code onError}.
     */
    @Override
    public void setReadListener(ReadListener readListener) {
      if (readListener == null) {
        throw new NullPointerException("readListener");
      }
      if (listener != null) {
        throw new IllegalStateException("a ReadListener has already been set");
      }
      if (!request.isAsyncStarted()) {
        throw new IllegalStateException("non-blocking reads need an asynchronous request (startAsync)");
      }
      listener = readListener;
      request.getAsyncContext().start(this::deliver);
    }

    private void deliver() {
      delivering = true;
      try {
        if (position < length) {
          listener.onDataAvailable();
        }
      } catch (Throwable t) {
        delivering = false;
        listener.onError(t);
        return;
      }
      delivering = false;
      if (isFinished()) {
        signalAllDataRead();
      }
    }

    /** After onDataAvailable has returned (never from inside it), once, when the end has been reached. */
    private void signalAllDataRead() {
      if (listener != null && !delivering && !allDataReadSignalled) {
        allDataReadSignalled = true;
        try {
          listener.onAllDataRead();
        } catch (IOException e) {
          listener.onError(e);
        }
      }
    }
  }
}
