package dev.anonauth.intake;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.Set;

/**
 * Decides whether an anonymous request may reach the application: which agent and service it speaks
 * for, checked against the allowlists for every event. STUB: the intake work fills it in.
 */
public final class AnonymousRequestInspector {

  public static final int DEFAULT_MAX_EVENT_SIZE = 307_200;

  public static final long DEFAULT_MAX_REQUEST_SIZE = 10L * 1024 * 1024;

  public AnonymousRequestInspector(
      Set<String> allowedAgents, Set<String> allowedServices, int maxEventSize, long maxRequestSize) {
    throw new UnsupportedOperationException("stub");
  }

  public Inspection inspect(Action action, HttpServletRequest request) throws IOException {
    throw new UnsupportedOperationException("stub");
  }
}
