package dev.anonauth.intake;

import static org.mockito.Mockito.lenient;
import static org.mockito.Mockito.mock;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/** Requests as a container would hand them to the filter, over in-memory bodies. */
final class FakeRequests {

  private FakeRequests() {}

  static HttpServletRequest post(String path, byte[] body, Map<String, String> headers) {
    return request("POST", path, new ByteArrayInputStream(body), body.length, headers);
  }

  static HttpServletRequest post(String path, byte[] body) {
    return post(path, body, Map.of());
  }

  /** {@code contentLength} -1 = chunked (no Content-Length). */
  static HttpServletRequest request(
      String method, String path, InputStream body, long contentLength, Map<String, String> headers) {
    HttpServletRequest request = mock(HttpServletRequest.class);
    lenient().when(request.getMethod()).thenReturn(method);
    lenient().when(request.getServletPath()).thenReturn(path);
    lenient().when(request.getRequestURI()).thenReturn(path);
    lenient().when(request.getContextPath()).thenReturn("");
    lenient().when(request.getContentLengthLong()).thenReturn(contentLength);
    lenient().when(request.getContentLength()).thenReturn((int) contentLength);
    headers.forEach((name, value) -> lenient().when(request.getHeader(name)).thenReturn(value));
    if (headers.containsKey("Content-Type")) {
      lenient().when(request.getContentType()).thenReturn(headers.get("Content-Type"));
    }
    try {
      lenient().when(request.getInputStream()).thenReturn(servletStream(body));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return request;
  }

  static ServletInputStream servletStream(InputStream in) {
    return new ServletInputStream() {
      @Override
      public int read() throws IOException {
        return in.read();
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return in.read(b, off, len);
      }

      @Override
      public boolean isFinished() {
        return false;
      }

      @Override
      public boolean isReady() {
        return true;
      }

      @Override
      public void setReadListener(ReadListener listener) {
        throw new UnsupportedOperationException();
      }
    };
  }

  static byte[] gzip(byte[] data) {
    try (var bytes = new java.io.ByteArrayOutputStream();
        var out = new GZIPOutputStream(bytes)) {
      out.write(data);
      out.finish();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] deflate(byte[] data, boolean raw) {
    try (var bytes = new java.io.ByteArrayOutputStream();
        var out = new DeflaterOutputStream(bytes, new Deflater(Deflater.DEFAULT_COMPRESSION, raw))) {
      out.write(data);
      out.finish();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] resource(String name) {
    try (InputStream in = FakeRequests.class.getResourceAsStream("/intake/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource /intake/" + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
