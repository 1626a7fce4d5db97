package dev.anonauth.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import jakarta.servlet.http.HttpServletRequest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ActionTest {

  @ParameterizedTest(name = "{0}{1} -> {2}")
  @CsvSource({
    "'', /intake/v2/events, EVENT_INGEST",
    "'', /intake/v2/rum/events, EVENT_INGEST",
    "'', /intake/v3/rum/events, EVENT_INGEST",
    "/apm, /intake/v2/events, EVENT_INGEST",
    "/some/prefix, /intake/v3/rum/events, EVENT_INGEST",
    "'', /config/v1/agents, AGENT_CONFIG",
    "'', /config/v1/rum/agents, AGENT_CONFIG",
    "'', /assets/v1/sourcemaps, SOURCEMAP_UPLOAD",
    "'', /intake/v2/events/, UNKNOWN",
    "'', /xintake/v2/events, UNKNOWN",
    "'', /intake/v2/events/x, UNKNOWN",
    "'', /intake/v3/events, UNKNOWN",
    "'', /INTAKE/V2/EVENTS, UNKNOWN",
    "'', /, UNKNOWN",
    "'', '', UNKNOWN",
  })
  void of_servletPathAndPathInfo_matchesBySuffix(String servletPath, String pathInfo, Action expected) {
    HttpServletRequest request = mock(HttpServletRequest.class);
    when(request.getServletPath()).thenReturn(servletPath);
    when(request.getPathInfo()).thenReturn(pathInfo);
    assertEquals(expected, Action.of(request));
  }

  @ParameterizedTest(name = "{0} in {1} -> {2}")
  @CsvSource({
    "/ctx/intake/v2/events, /ctx, EVENT_INGEST",
    "/ctx/intake/v2/events;jsessionid=1, /ctx, EVENT_INGEST",
    "/ctx/intake;x=1/v2/rum/events, /ctx, EVENT_INGEST",
    "/ctx/intake/v2/%65vents, /ctx, EVENT_INGEST",
    "/ctx/config/v1/agents, /ctx, AGENT_CONFIG",
    "/ctx/assets/v1/sourcemaps, '', SOURCEMAP_UPLOAD",
    "/ctx/intake/v2/events/, /ctx, UNKNOWN",
    "/ctx/other, /ctx, UNKNOWN",
  })
  void of_noServletPathNorPathInfo_fallsBackToRequestUri(String uri, String contextPath, Action expected) {
    HttpServletRequest request = mock(HttpServletRequest.class);
    when(request.getRequestURI()).thenReturn(uri);
    when(request.getContextPath()).thenReturn(contextPath);
    assertEquals(expected, Action.of(request));
  }
}
