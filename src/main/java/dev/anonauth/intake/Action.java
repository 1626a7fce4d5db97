package dev.anonauth.intake;

import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * What a request asks the APM intake to do, recognised from its path.
 *
 * <p>The path is matched by suffix so the filter works under any context path or servlet mapping:
 * the decoded {@code getServletPath() + getPathInfo()}, or, when both are {@code null} (some
 * mappings in some containers), {@code getRequestURI()} minus the context path, with {@code ;params}
 * removed from every segment and percent-escapes decoded. The suffix must start at a segment
 * boundary ({@code /x/intake/v2/events} matches, {@code /xintake/v2/events} does not).
 *
 * <p>A trailing slash is <em>not</em> tolerated: {@code /intake/v2/events/} is {@link #UNKNOWN}, as
 * the APM Server's router answers it 404. Refusing is the safe way to be wrong for anonymous clients.
 */
public enum Action {
  /** {@code /intake/v2/events}, {@code /intake/v2/rum/events}, {@code /intake/v3/rum/events}. */
  EVENT_INGEST,
  /** {@code /config/v1/agents}, {@code /config/v1/rum/agents}. */
  AGENT_CONFIG,
  /** {@code /assets/v1/sourcemaps}. */
  SOURCEMAP_UPLOAD,
  /** Anything else; the inspector refuses it for anonymous clients. */
  UNKNOWN;

  public static Action of(HttpServletRequest request) {
    return ofPath(pathOf(request));
  }

  static Action ofPath(String path) {
    if (path.endsWith("/intake/v2/events")
        || path.endsWith("/intake/v2/rum/events")
        || path.endsWith("/intake/v3/rum/events")) {
      return EVENT_INGEST;
    }
    if (path.endsWith("/config/v1/agents") || path.endsWith("/config/v1/rum/agents")) {
      return AGENT_CONFIG;
    }
    if (path.endsWith("/assets/v1/sourcemaps")) {
      return SOURCEMAP_UPLOAD;
    }
    return UNKNOWN;
  }

  static String pathOf(HttpServletRequest request) {
    String servletPath = request.getServletPath();
    String pathInfo = request.getPathInfo();
    if (servletPath != null || pathInfo != null) {
      return (servletPath == null ? "" : servletPath) + (pathInfo == null ? "" : pathInfo);
    }
    String uri = request.getRequestURI();
    if (uri == null) {
      return "";
    }
    String contextPath = request.getContextPath();
    if (contextPath != null && !contextPath.isEmpty() && uri.startsWith(contextPath)) {
      uri = uri.substring(contextPath.length());
    }
    return decode(stripParameters(uri));
  }

  /** Removes {@code ;params} from every segment: {@code /a;x=1/b;y} → {@code /a/b}. */
  static String stripParameters(String uri) {
    if (uri.indexOf(';') < 0) {
      return uri;
    }
    StringBuilder out = new StringBuilder(uri.length());
    boolean skipping = false;
    for (int i = 0; i < uri.length(); i++) {
      char c = uri.charAt(i);
      if (c == '/') {
        skipping = false;
      } else if (c == ';') {
        skipping = true;
      }
      if (!skipping) {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** Percent-decodes as UTF-8 ({@code +} stays {@code +}: this is a path, not a form); bad escapes stay literal. */
  static String decode(String path) {
    if (path.indexOf('%') < 0) {
      return path;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(path.length());
    byte[] bytes = path.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i++) {
      int hi;
      int lo;
      if (bytes[i] == '%'
          && i + 2 < bytes.length
          && (hi = Character.digit(bytes[i + 1], 16)) >= 0
          && (lo = Character.digit(bytes[i + 2], 16)) >= 0) {
        out.write(hi << 4 | lo);
        i += 2;
      } else {
        out.write(bytes[i]);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
