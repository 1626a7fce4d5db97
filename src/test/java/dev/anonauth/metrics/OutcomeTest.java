package dev.anonauth.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.anonauth.intake.Inspection;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OutcomeTest {

  @ParameterizedTest
  @ValueSource(strings = {
      // Authenticator's reasons
      "missing_credentials", "invalid_credentials", "unknown_scheme", "api_key_lacks_privilege",
      "credential_store_unavailable",
      // Inspection's
      Inspection.AGENT_NOT_PERMITTED, Inspection.SERVICE_NOT_PERMITTED, Inspection.SOURCEMAP_DENIED,
      Inspection.UNKNOWN_ENDPOINT, Inspection.MALFORMED, Inspection.TOO_LARGE, Inspection.UNSUPPORTED_MEDIA_TYPE})
  void refusedFor_everyReasonTheFilterGives_hasItsOwnOutcome(String reason) {
    Outcome outcome = Outcome.refusedFor(reason);
    assertNotEquals(Outcome.REFUSED_OTHER, outcome);
    assertEquals(reason, outcome.reason());
    assertTrue(outcome.refused());
  }

  @Test
  void refusedFor_unknownReason_other() {
    assertEquals(Outcome.REFUSED_OTHER, Outcome.refusedFor("redis_down"));
  }

  @Test
  void authenticated_methods_mapToTheirOutcome() {
    assertEquals(Outcome.AUTH_DISABLED, Outcome.authenticated("none"));
    assertEquals(Outcome.SECRET_TOKEN, Outcome.authenticated("secret_token"));
    assertEquals(Outcome.API_KEY, Outcome.authenticated("api_key"));
    assertFalse(Outcome.API_KEY.refused());
  }

  @Test
  void names_keysAndJmxAttributes_unique() {
    Set<String> keys = new HashSet<>();
    Set<String> attributes = new HashSet<>();
    for (Outcome outcome : Outcome.values()) {
      assertTrue(keys.add(outcome.key()), outcome.key());
      assertTrue(attributes.add(outcome.attributeName()), outcome.attributeName());
    }
    assertEquals("RefusedAgentNotPermitted", Outcome.AGENT_NOT_PERMITTED.attributeName());
    assertEquals("refused:rate_limited_entry", Outcome.RATE_LIMITED_ENTRY.key());
  }
}
