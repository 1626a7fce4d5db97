package dev.anonauth.credential;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The API key file format: one key per line, {@code <id> <sha256-hex-of-key> <privilege>[,<privilege>...]},
 * separated by blanks; {@code #} starts a comment line. The key itself is never stored, so a leaked file
 * does not leak credentials. Agents send {@code Authorization: ApiKey base64(<id>:<key>)}.
 */
final class ApiKeyFile {

  static final String FORMAT =
      "<id> <sha256 hex of the key> <privileges, comma-separated: event:write, config_agent:read, sourcemap:write>";

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");
  private static final Pattern BLANKS = Pattern.compile("[ \\t]+");

  private ApiKeyFile() {}

  /**
   * @throws IllegalArgumentException listing every bad line, by number
   */
  static Map<String, ApiKey> parse(List<String> lines) {
    Map<String, ApiKey> keys = new TreeMap<>();
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int number = i + 1;
      String[] fields = BLANKS.split(line);
      if (fields.length != 3) {
        problems.add("line " + number + ": expected 3 fields, " + FORMAT);
        continue;
      }
      if (!ID.matcher(fields[0]).matches()) {
        problems.add("line " + number + ": id must be 1 to 128 of A-Z a-z 0-9 . _ -");
        continue;
      }
      if (!SHA256_HEX.matcher(fields[1]).matches()) {
        problems.add("line " + number + ": the key must be given as its SHA-256, 64 hex digits");
        continue;
      }
      Set<Privilege> privileges = EnumSet.noneOf(Privilege.class);
      for (String name : fields[2].split(",", -1)) {
        Privilege.byWireName(name.strip()).ifPresentOrElse(
            privileges::add,
            () -> problems.add("line " + number + ": unknown privilege '" + name.strip()
                + "'; accepted event:write, config_agent:read, sourcemap:write"));
      }
      ApiKey key = new ApiKey(fields[0], HexFormat.of().parseHex(fields[1]), Set.copyOf(privileges));
      if (keys.putIfAbsent(key.id(), key) != null) {
        problems.add("line " + number + ": id '" + key.id() + "' appears twice");
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    return Map.copyOf(keys);
  }
}
