package dev.anonauth.config;

import java.util.List;

/**
 * The init-params cannot make a working filter. Carries every problem found, not just the first, so an
 * operator fixes the {@code web.xml} in one go.
 */
public final class ConfigurationException extends Exception {

  private final List<String> problems;

  ConfigurationException(List<String> problems) {
    super(format(problems));
    this.problems = List.copyOf(problems);
  }

  /** One line per problem, each naming the init-param, the value given and what is accepted. */
  public List<String> problems() {
    return problems;
  }

  private static String format(List<String> problems) {
    StringBuilder message = new StringBuilder("invalid configuration of AnonymousAuthFilter (")
        .append(problems.size())
        .append(problems.size() == 1 ? " problem):" : " problems):");
    for (String problem : problems) {
      message.append("\n  - ").append(problem);
    }
    return message.toString();
  }
}
