package dev.anonauth.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Resolves {@code ${env:NAME}} and {@code ${file:/path}} references, so that secrets need not live in
 * the WAR. Only a whole value is a reference; anything else is taken literally. A value that starts
 * with {@code ${} but is not one of the two forms is an error rather than a literal, because it is
 * almost certainly a reference with a typo.
 */
final class ValueResolver {

  /** Files larger than this are not secrets or lists; refusing them keeps a mistake from eating memory. */
  static final int MAX_FILE_SIZE = 64 * 1024;

  private final Function<String, String> environment;

  ValueResolver(Function<String, String> environment) {
    this.environment = environment;
  }

  /**
   * @return the resolved value
   * @throws IllegalArgumentException with a message that says what is wrong (the caller prefixes the
   *     init-param name)
   */
  String resolve(String raw) {
    String value = raw.strip();
    if (!value.startsWith("${")) {
      return value;
    }
    if (!value.endsWith("}")) {
      throw new IllegalArgumentException(
          "unterminated reference '" + value + "': accepted ${env:NAME} or ${file:/path}");
    }
    String body = value.substring(2, value.length() - 1);
    String resolved;
    if (body.startsWith("env:")) {
      resolved = fromEnvironment(body.substring(4));
    } else if (body.startsWith("file:")) {
      resolved = fromFile(body.substring(5));
    } else {
      throw new IllegalArgumentException(
          "unknown reference '" + value + "': accepted ${env:NAME} or ${file:/path}");
    }
    // An empty secret would silently switch authentication off: a reference must yield something.
    if (resolved.isEmpty()) {
      throw new IllegalArgumentException(value + " resolved to an empty value");
    }
    return resolved;
  }

  private String fromEnvironment(String name) {
    if (name.isBlank()) {
      throw new IllegalArgumentException("${env:} names no environment variable: accepted ${env:NAME}");
    }
    String value = environment.apply(name);
    if (value == null) {
      throw new IllegalArgumentException("environment variable " + name + " is not set");
    }
    return value.strip();
  }

  private static String fromFile(String location) {
    Path path;
    try {
      path = Path.of(location);
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException("'" + location + "' is not a valid path");
    }
    try {
      if (Files.size(path) > MAX_FILE_SIZE) {
        throw new IllegalArgumentException(
            "file " + path + " is larger than " + MAX_FILE_SIZE + " bytes; a value file holds one value");
      }
      return Files.readString(path, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new IllegalArgumentException("file " + path + " cannot be read (" + e.getClass().getSimpleName() + ")");
    }
  }
}
