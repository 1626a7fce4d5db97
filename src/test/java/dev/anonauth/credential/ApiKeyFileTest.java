package dev.anonauth.credential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiKeyFileTest {

  static final String HASH = "a".repeat(64);

  @Test
  void parse_wellFormed_readsEveryKey() {
    Map<String, ApiKey> keys = ApiKeyFile.parse(List.of(
        "# id hash privileges",
        "",
        "rum  " + HASH + "  event:write",
        "\tops " + "B".repeat(64) + " event:write,config_agent:read,sourcemap:write  "));
    assertEquals(Set.of("rum", "ops"), keys.keySet());
    assertEquals(Set.of(Privilege.EVENT_WRITE), keys.get("rum").privileges());
    assertEquals(Set.of(Privilege.values()), keys.get("ops").privileges());
  }

  @Test
  void parse_badLines_reportsEveryLineByNumber() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ApiKeyFile.parse(List.of(
        "ok " + HASH + " event:write",
        "two-fields " + HASH,
        "bad:id " + HASH + " event:write",
        "short abc event:write",
        "priv " + HASH + " event:read",
        "ok " + HASH + " event:write")));
    String message = e.getMessage();
    assertTrue(message.contains("line 2: expected 3 fields"), message);
    assertTrue(message.contains("line 3: id must be"), message);
    assertTrue(message.contains("line 4: the key must be given as its SHA-256"), message);
    assertTrue(message.contains("line 5: unknown privilege 'event:read'"), message);
    assertTrue(message.contains("line 6: id 'ok' appears twice"), message);
  }
}
