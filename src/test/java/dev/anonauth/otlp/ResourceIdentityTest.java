package dev.anonauth.otlp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Vectors for the APM Server's derivation (apm-data translateResourceMetadata); '-' = attribute absent. */
class ResourceIdentityTest {

  static String orNull(String value) {
    return "-".equals(value) ? null : value;
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "android       | java  | -       | -                 | android/java",
      "iOS           | swift | -       | -                 | iOS/swift",
      "opentelemetry | java  | elastic | -                 | opentelemetry/java/elastic",
      "opentelemetry | -     | elastic | -                 | opentelemetry/unknown/elastic",
      "-             | -     | elastic | -                 | otlp/unknown/elastic",
      "-             | -     | -       | -                 | otlp",
      "-             | python| -       | -                 | otlp/python",
      "''            | ''    | ''      | -                 | otlp",
      "opentelemetry | -     | -       | Jaeger-Go-2.20.0  | Jaeger/Go",
      "opentelemetry | java  | -       | Jaeger-Go-2.20.0  | Jaeger/java",
      "opentelemetry | -     | -       | Jaeger            | Jaeger",
      "opentelemetry | -     | -       | OpenCensus-1      | opentelemetry",
  })
  void agent_vectors(String sdk, String language, String distro, String exporterVersion, String expected)
      throws Exception {
    ResourceIdentity identity = new ResourceIdentity();
    if (orNull(sdk) != null) identity.attribute("telemetry.sdk.name", sdk);
    if (orNull(language) != null) identity.attribute("telemetry.sdk.language", language);
    if (orNull(distro) != null) identity.attribute("telemetry.distro.name", distro);
    if (orNull(exporterVersion) != null) identity.attribute("opencensus.exporterversion", exporterVersion);
    assertEquals(expected, identity.agent());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "shop-frontend   | shop-frontend",
      "my.app          | my_app",
      "'a b_c-D9'      | 'a b_c-D9'",
      "ünïcode😀       | _n_code_",
      "''              | unknown",
      "'...'           | ___",
  })
  void service_vectors(String given, String expected) throws Exception {
    ResourceIdentity identity = new ResourceIdentity();
    identity.attribute("service.name", given);
    assertEquals(expected, identity.service());
  }

  @org.junit.jupiter.api.Test
  void service_notAString_unknown() throws Exception {
    ResourceIdentity identity = new ResourceIdentity();
    identity.attribute("service.name", null);
    identity.attribute("telemetry.sdk.name", null);
    assertEquals("unknown", identity.service());
    assertEquals("otlp", identity.agent());
  }
}
