package dev.anonauth.http;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplayingRequestTest {

  @Test
  void getInputStream_replaysSameBytesAndLength() throws IOException {
    byte[] buffer = {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3, 99, 99};
    ReplayingRequest request = new ReplayingRequest(post(Map.of()), buffer, 7);
    ServletInputStream in = request.getInputStream();
    assertFalse(in.isFinished());
    assertTrue(in.isReady());
    assertArrayEquals(new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3}, in.readAllBytes());
    assertTrue(in.isFinished());
    assertEquals(-1, in.read());
    assertEquals(7, request.getContentLength());
    assertEquals(7L, request.getContentLengthLong());
  }

  @Test
  void getReader_noCharset_decodesUtf8() throws IOException {
    byte[] body = "{\"n\":\"é€\"}".getBytes(UTF_8);
    ReplayingRequest request = new ReplayingRequest(post(Map.of()), body, body.length);
    assertEquals("{\"n\":\"é€\"}", request.getReader().readLine());
  }

  @Test
  void getReader_declaredCharset_honoured() throws IOException {
    HttpServletRequest original = post(Map.of());
    when(original.getCharacterEncoding()).thenReturn("ISO-8859-1");
    byte[] body = "café".getBytes(ISO_8859_1);
    assertEquals("café", new ReplayingRequest(original, body, body.length).getReader().readLine());
  }

  @Test
  void getReader_afterGetInputStream_throwsAsTheSpecSays() {
    ReplayingRequest request = new ReplayingRequest(post(Map.of()), new byte[1], 1);
    request.getInputStream();
    assertThrows(IllegalStateException.class, request::getReader);
  }

  @Test
  void getParameter_formPost_parsedFromBodyAfterQuery() {
    HttpServletRequest original = post(Map.of("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8"));
    when(original.getContentType()).thenReturn("application/x-www-form-urlencoded; charset=UTF-8");
    when(original.getQueryString()).thenReturn("service.name=q&a=1");
    byte[] body = "a=2&service.name=caf%C3%A9&empty=&flag&plus=a+b".getBytes(UTF_8);
    ReplayingRequest request = new ReplayingRequest(original, body, body.length);
    assertEquals("q", request.getParameter("service.name"));
    assertArrayEquals(new String[] {"q", "café"}, request.getParameterValues("service.name"));
    assertArrayEquals(new String[] {"1", "2"}, request.getParameterValues("a"));
    assertEquals("", request.getParameter("empty"));
    assertEquals("", request.getParameter("flag"));
    assertEquals("a b", request.getParameter("plus"));
    assertNull(request.getParameter("missing"));
    assertEquals(List.of("service.name", "a", "empty", "flag", "plus"), Collections.list(request.getParameterNames()));
    verify(original, never()).getParameterMap();
  }

  @Test
  void getParameter_notAForm_delegatesToContainer() {
    HttpServletRequest original = post(Map.of());
    when(original.getContentType()).thenReturn("application/x-ndjson");
    when(original.getParameterMap()).thenReturn(Map.of("verbose", new String[] {""}));
    ReplayingRequest request = new ReplayingRequest(original, new byte[0], 0);
    assertEquals("", request.getParameter("verbose"));
  }

  @Test
  void getHeader_unchanged() {
    HttpServletRequest original = post(Map.of("Content-Encoding", "gzip"));
    assertEquals("gzip", new ReplayingRequest(original, new byte[0], 0).getHeader("Content-Encoding"));
  }

  @Test
  void setReadListener_asyncRequest_dataAvailableThenAllDataRead() throws IOException {
    HttpServletRequest original = post(Map.of());
    AsyncContext async = mock(AsyncContext.class);
    when(original.isAsyncStarted()).thenReturn(true);
    when(original.getAsyncContext()).thenReturn(async);
    doAnswer(call -> {
      ((Runnable) call.getArgument(0)).run(); // a container thread, here the caller's
      return null;
    }).when(async).start(any());
    byte[] body = "0123456789".getBytes(UTF_8);
    ServletInputStream in = new ReplayingRequest(original, body, body.length).getInputStream();
    List<String> calls = new ArrayList<>();
    ByteArrayOutputStream read = new ByteArrayOutputStream();
    in.setReadListener(new ReadListener() {
      @Override
      public void onDataAvailable() throws IOException {
        calls.add("onDataAvailable");
        byte[] chunk = new byte[3];
        int n;
        while (in.isReady() && (n = in.read(chunk)) != -1) {
          read.write(chunk, 0, n);
        }
      }

      @Override
      public void onAllDataRead() {
        calls.add("onAllDataRead");
      }

      @Override
      public void onError(Throwable t) {
        calls.add("onError " + t);
      }
    });
    assertEquals(List.of("onDataAvailable", "onAllDataRead"), calls);
    assertArrayEquals(body, read.toByteArray());
  }

  @Test
  void setReadListener_listenerThrows_onErrorCalled() {
    HttpServletRequest original = post(Map.of());
    AsyncContext async = mock(AsyncContext.class);
    when(original.isAsyncStarted()).thenReturn(true);
    when(original.getAsyncContext()).thenReturn(async);
    doAnswer(call -> {
      ((Runnable) call.getArgument(0)).run();
      return null;
    }).when(async).start(any());
    ServletInputStream in = new ReplayingRequest(original, new byte[] {1}, 1).getInputStream();
    List<String> calls = new ArrayList<>();
    in.setReadListener(new ReadListener() {
      @Override
      public void onDataAvailable() throws IOException {
        throw new IOException("boom");
      }

      @Override
      public void onAllDataRead() {
        calls.add("onAllDataRead");
      }

      @Override
      public void onError(Throwable t) {
        calls.add("onError " + t.getMessage());
      }
    });
    assertEquals(List.of("onError boom"), calls);
  }

  @Test
  void setReadListener_notAsync_throwsAsTheSpecSays() {
    ServletInputStream in = new ReplayingRequest(post(Map.of()), new byte[0], 0).getInputStream();
    assertThrows(IllegalStateException.class, () -> in.setReadListener(mock(ReadListener.class)));
  }

  private static HttpServletRequest post(Map<String, String> headers) {
    HttpServletRequest request = mock(HttpServletRequest.class);
    when(request.getMethod()).thenReturn("POST");
    headers.forEach((name, value) -> when(request.getHeader(name)).thenReturn(value));
    return request;
  }
}
