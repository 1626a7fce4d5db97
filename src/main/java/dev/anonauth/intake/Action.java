package dev.anonauth.intake;

import jakarta.servlet.http.HttpServletRequest;

/** What a request asks the APM intake to do, recognised from its path. STUB: the intake work fills it in. */
public enum Action {
  EVENT_INGEST,
  AGENT_CONFIG,
  SOURCEMAP_UPLOAD,
  UNKNOWN;

  public static Action of(HttpServletRequest request) {
    throw new UnsupportedOperationException("stub");
  }
}
