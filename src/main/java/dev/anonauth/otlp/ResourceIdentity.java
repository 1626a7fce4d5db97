package dev.anonauth.otlp;

import dev.anonauth.http.Messages;

/**
 * The service and agent names of one OTLP resource, derived as the APM Server derives them
 * (apm-data {@code translateResourceMetadata}), because those are the names its anonymous check sees:
 *
 * <ul>
 *   <li>service: {@code service.name}, cut to 1024 characters, every character outside
 *       {@code [a-zA-Z0-9 _-]} replaced by {@code _}; empty or absent: {@code unknown};
 *   <li>agent: {@code telemetry.sdk.name} (cut to 1024; empty or absent: {@code otlp}), then
 *       {@code /<telemetry.distro.name>} preceded by {@code /<telemetry.sdk.language>} (or
 *       {@code /unknown} without a language) when a distro is named, else {@code /<language>} when one is
 *       set: {@code android/java}, {@code iOS/swift}, {@code opentelemetry/java/elastic};
 *   <li>a legacy OpenCensus {@code opencensus.exporterversion} of {@code Jaeger-<lang>-<version>} makes the
 *       SDK name {@code Jaeger} and, without {@code telemetry.sdk.language}, the language {@code <lang>}.
 * </ul>
 *
 * <p>Attributes that are not strings count as empty, as they do there. A relevant attribute given twice
 * is refused: the APM Server would take the last {@code service.name} but the first
 * {@code telemetry.distro.name}, another decoder might differ, and an anonymous client must not be able to
 * show the filter one name and the application another.
 */
final class ResourceIdentity {

  static final String SERVICE_NAME = "service.name";
  static final String SDK_NAME = "telemetry.sdk.name";
  static final String SDK_LANGUAGE = "telemetry.sdk.language";
  static final String DISTRO_NAME = "telemetry.distro.name";
  static final String EXPORTER_VERSION = "opencensus.exporterversion";

  /** The longest key above, in UTF-8 bytes: longer keys need not be read. */
  static final int MAX_RELEVANT_KEY_BYTES = 26;

  /** apm-data cuts names to 1024 characters; 4 bytes each is enough to know the cut name exactly. */
  static final int MAX_NAME_CHARS = 1024;
  static final int MAX_VALUE_BYTES = 4 * (MAX_NAME_CHARS + 1);

  private static final String PRESENT_NOT_STRING = ""; // given, but not a string: counts as empty

  private String serviceName;
  private String sdkName;
  private String sdkLanguage;
  private String distroName;
  private String exporterVersion;

  static boolean isRelevant(String key) {
    return switch (key) {
      case SERVICE_NAME, SDK_NAME, SDK_LANGUAGE, DISTRO_NAME, EXPORTER_VERSION -> true;
      default -> false;
    };
  }

  /**
   * One attribute of the resource.
   *
   * @param value the string value, or {@code null} when the value is not a string
   */
  void attribute(String key, String value) throws OtlpException {
    String v = value == null ? PRESENT_NOT_STRING : value;
    switch (key) {
      case SERVICE_NAME -> serviceName = once(key, serviceName, v);
      case SDK_NAME -> sdkName = once(key, sdkName, v);
      case SDK_LANGUAGE -> sdkLanguage = once(key, sdkLanguage, v);
      case DISTRO_NAME -> distroName = once(key, distroName, v);
      case EXPORTER_VERSION -> exporterVersion = once(key, exporterVersion, v);
      default -> {
        // not a name the check looks at
      }
    }
  }

  private static String once(String key, String previous, String value) throws OtlpException {
    if (previous != null) {
      throw new OtlpException(400, Messages.duplicateResourceAttribute(key));
    }
    return value;
  }

  String service() {
    String name = cleanServiceName(truncate(orEmpty(serviceName)));
    return name.isEmpty() ? "unknown" : name;
  }

  String agent() {
    String name = truncate(orEmpty(sdkName));
    String language = truncate(orEmpty(sdkLanguage));
    String version = orEmpty(exporterVersion);
    if (version.startsWith("Jaeger")) {
      // Jaeger-<language>-<version>, e.g. Jaeger-Go-2.20.0
      String[] parts = version.split("-", 3);
      if (language.isEmpty() && parts.length == 3) {
        language = parts[1];
      }
      name = "Jaeger";
    }
    if (name.isEmpty()) {
      name = "otlp";
    }
    String distro = orEmpty(distroName);
    if (!distro.isEmpty()) {
      return name + "/" + (language.isEmpty() ? "unknown" : language) + "/" + distro;
    }
    return language.isEmpty() ? name : name + "/" + language;
  }

  private static String orEmpty(String value) {
    return value == null ? "" : value;
  }

  /** The first {@value #MAX_NAME_CHARS} code points. */
  static String truncate(String value) {
    if (value.length() <= MAX_NAME_CHARS) {
      return value;
    }
    int end = value.offsetByCodePoints(0, Math.min(MAX_NAME_CHARS, value.codePointCount(0, value.length())));
    return value.substring(0, end);
  }

  /** Every code point outside {@code [a-zA-Z0-9 _-]} becomes {@code _}. */
  static String cleanServiceName(String name) {
    StringBuilder out = null;
    for (int i = 0; i < name.length(); ) {
      int c = name.codePointAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == ' ' || c == '_' || c == '-';
      if (!ok && out == null) {
        out = new StringBuilder(name.length()).append(name, 0, i);
      }
      if (out != null) {
        if (ok) {
          out.appendCodePoint(c);
        } else {
          out.append('_');
        }
      }
      i += Character.charCount(c);
    }
    return out == null ? name : out.toString();
  }
}
