package dev.anonauth.credential;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.anonauth.credential.AuthorizationHeader.Kind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AuthorizationHeaderTest {

  @ParameterizedTest(name = "[{index}] ''{0}'' -> {1} ''{2}''")
  @CsvSource(delimiter = '|', nullValues = "NULL", value = {
      "NULL|NONE|''",
      "''|NONE|''",
      "Bearer|NONE|''",
      "' Bearer abc'|NONE|''",
      "Bearer abc|BEARER|abc",
      "bearer abc|BEARER|abc",
      "Bearer a b c|BEARER|a b c",
      "'Bearer  abc'|BEARER|' abc'",
      "'Bearer '|BEARER|''",
      "ApiKey Zm9vOmJhcg==|API_KEY|Zm9vOmJhcg==",
      "APIKEY x|API_KEY|x",
      "Basic dXNlcjpwYXNz|UNKNOWN|dXNlcjpwYXNz",
      "magic token|UNKNOWN|token",
  })
  void parse_splitsAtFirstSpace(String header, Kind kind, String token) {
    AuthorizationHeader parsed = AuthorizationHeader.parse(header);
    assertEquals(kind, parsed.kind());
    assertEquals(token, parsed.token());
  }
}
