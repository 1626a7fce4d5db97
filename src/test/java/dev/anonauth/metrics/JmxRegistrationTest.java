package dev.anonauth.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JmxRegistrationTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "/|anonymous-auth|dev.anonauth:type=AnonymousAuthFilter,context=/,name=anonymous-auth",
      "/apm|auth|dev.anonauth:type=AnonymousAuthFilter,context=/apm,name=auth",
      "/a,b|x=y|dev.anonauth:type=AnonymousAuthFilter,context=\"/a,b\",name=\"x=y\"",
      "/shop|auth:*?|dev.anonauth:type=AnonymousAuthFilter,context=/shop,name=\"auth:\\*\\?\""})
  void objectName_valuesWithReservedCharacters_quoted(String context, String filter, String expected) throws Exception {
    assertEquals(expected, JmxRegistration.objectName(context, filter).toString());
  }
}
