package dev.anonauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnonymousAuthFilterInitTest {

  static FilterConfig config(Map<String, String> params, ServletContext context) {
    FilterConfig config = mock(FilterConfig.class);
    when(config.getFilterName()).thenReturn("anonymous-auth");
    when(config.getServletContext()).thenReturn(context);
    when(config.getInitParameterNames()).thenReturn(Collections.enumeration(params.keySet()));
    params.forEach((name, value) -> when(config.getInitParameter(name)).thenReturn(value));
    return config;
  }

  @Test
  void init_invalidParams_failsNamingEachParam() {
    ServletException e = assertThrows(ServletException.class, () -> new AnonymousAuthFilter().init(config(
        Map.of("auth.anonymous.enabled", "maybe", "auth.anonymous.allow_agents", "rum-js"), mock(ServletContext.class))));
    assertTrue(e.getMessage().contains("auth.anonymous.enabled: 'maybe' is not accepted; expected true or false"), e.getMessage());
    assertTrue(e.getMessage().contains("unknown init-param 'auth.anonymous.allow_agents'"), e.getMessage());
  }

  @Test
  void init_malformedApiKeyFile_failsNamingParamAndLine(@TempDir Path dir) throws Exception {
    Path keys = Files.writeString(dir.resolve("keys"), "rum not-a-hash event:write\n");
    ServletException e = assertThrows(ServletException.class, () -> new AnonymousAuthFilter().init(config(
        Map.of("auth.api_key.enabled", "true", "auth.api_key.file", keys.toString()), mock(ServletContext.class))));
    assertEquals(
        "invalid configuration of AnonymousAuthFilter: auth.api_key.file: " + keys
            + ": line 1: the key must be given as its SHA-256, 64 hex digits",
        e.getMessage());
  }

  @Test
  void init_valid_publishesStatusWithoutSecret() throws Exception {
    ServletContext context = mock(ServletContext.class);
    java.util.concurrent.atomic.AtomicReference<Object> published = new java.util.concurrent.atomic.AtomicReference<>();
    org.mockito.Mockito.doAnswer(call -> {
      published.set(call.getArgument(1));
      return null;
    }).when(context).setAttribute(org.mockito.ArgumentMatchers.eq(AnonymousAuthFilter.STATUS_ATTRIBUTE_PREFIX + "anonymous-auth"),
        org.mockito.ArgumentMatchers.any());
    AnonymousAuthFilter filter = new AnonymousAuthFilter();
    filter.init(config(Map.of("auth.secret_token", "hush", "rum.enabled", "true"), context));
    FilterStatus status = (FilterStatus) published.get();
    assertNotNull(status);
    assertEquals("(set)", status.configuration().get("auth.secret_token"));
    assertTrue(status.configuration().get("auth.anonymous.enabled").startsWith("true"));
    filter.destroy();
    org.mockito.Mockito.verify(context).removeAttribute(AnonymousAuthFilter.STATUS_ATTRIBUTE_PREFIX + "anonymous-auth");
  }
}
