package dev.anonauth.credential;

import java.util.Optional;

/** What an API key may do; the APM Server's privilege names. */
public enum Privilege {
  EVENT_WRITE("event:write"),
  CONFIG_AGENT_READ("config_agent:read"),
  SOURCEMAP_WRITE("sourcemap:write");

  private final String wireName;

  Privilege(String wireName) {
    this.wireName = wireName;
  }

  /** The name used in the API key file and in messages. */
  public String wireName() {
    return wireName;
  }

  static Optional<Privilege> byWireName(String name) {
    for (Privilege privilege : values()) {
      if (privilege.wireName.equals(name)) {
        return Optional.of(privilege);
      }
    }
    return Optional.empty();
  }
}
