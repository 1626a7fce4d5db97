package dev.anonauth.bench.jmh;

import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.PrintWriter;
import java.io.StringWriter;

/** A response that records its status and discards everything else; other methods throw. */
public final class FakeResponse extends HttpServletResponseWrapper {

  private int status = 200;

  public FakeResponse() {
    super(Unsupported.of(HttpServletResponse.class));
  }

  @Override
  public void setStatus(int sc) {
    status = sc;
  }

  @Override
  public int getStatus() {
    return status;
  }

  @Override
  public void sendError(int sc) {
    status = sc;
  }

  @Override
  public void sendError(int sc, String msg) {
    status = sc;
  }

  @Override
  public void setHeader(String name, String value) {}

  @Override
  public void addHeader(String name, String value) {}

  @Override
  public void setContentType(String type) {}

  @Override
  public void setCharacterEncoding(String charset) {}

  @Override
  public void setContentLength(int len) {}

  @Override
  public boolean isCommitted() {
    return false;
  }

  @Override
  public PrintWriter getWriter() {
    return new PrintWriter(new StringWriter());
  }
}
