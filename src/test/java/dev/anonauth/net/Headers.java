package dev.anonauth.net;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Request headers for the resolver's pure core: names case-insensitive, lines kept in order, may repeat. */
final class Headers implements ClientIpResolver.HeaderLookup {

  private final Map<String, List<String>> lines = new LinkedHashMap<>();

  /** {@code of("X-Forwarded-For", "1.2.3.4", "X-Forwarded-For", "5.6.7.8")}: name, value, name, value... */
  static Headers of(String... namesAndValues) {
    Headers headers = new Headers();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      headers.add(namesAndValues[i], namesAndValues[i + 1]);
    }
    return headers;
  }

  Headers add(String name, String value) {
    lines.computeIfAbsent(name.toLowerCase(Locale.ROOT), n -> new ArrayList<>()).add(value);
    return this;
  }

  @Override
  public Iterator<String> values(String name) {
    return lines.getOrDefault(name.toLowerCase(Locale.ROOT), List.of()).iterator();
  }
}
