package dev.anonauth.credential;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.anonauth.config.ConfigurationParser;
import dev.anonauth.http.Messages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** REFERENCE §2, row by row. */
class AuthenticatorTest {

  static final Optional<Privilege> EVENT_WRITE = Optional.of(Privilege.EVENT_WRITE);

  @TempDir Path dir;

  Authenticator authenticator(Map<String, String> params) throws Exception {
    return Authenticator.from(ConfigurationParser.parse(params));
  }

  Authenticator withKeys(String anonymous) throws Exception {
    Path keys = Files.writeString(dir.resolve("keys"),
        ApiKeyStoreTest.line("rum", "k1", "event:write")
            + ApiKeyStoreTest.line("cfg", "k2", "config_agent:read"));
    return authenticator(Map.of(
        "auth.secret_token", "s3cr3t",
        "auth.api_key.enabled", "true",
        "auth.api_key.file", keys.toString(),
        "auth.anonymous.enabled", anonymous));
  }

  @Test
  void authenticate_authDisabled_anythingPasses() throws Exception {
    Authenticator none = authenticator(Map.of("auth.anonymous.enabled", "true"));
    for (String header : new String[] {null, "Bearer wrong", "ApiKey junk", "Basic x"}) {
      assertEquals(new Authentication.Authenticated("none"), none.authenticate(header, EVENT_WRITE));
    }
  }

  @Test
  void authenticate_noCredentialsAnonymousOff_401Missing() throws Exception {
    assertEquals(
        new Authentication.Refused(401, Messages.MISSING_CREDENTIALS, "missing_credentials"),
        withKeys("false").authenticate(null, EVENT_WRITE));
  }

  @Test
  void authenticate_noCredentialsAnonymousOn_anonymous() throws Exception {
    assertEquals(new Authentication.Anonymous(), withKeys("true").authenticate(null, EVENT_WRITE));
    assertEquals(new Authentication.Anonymous(), withKeys("true").authenticate("Bearer", EVENT_WRITE));
  }

  @Test
  void authenticate_rightBearer_authenticated() throws Exception {
    assertEquals(new Authentication.Authenticated("secret_token"), withKeys("true").authenticate("Bearer s3cr3t", EVENT_WRITE));
  }

  @Test
  void authenticate_wrongBearer_401EvenWhenAnonymousOn() throws Exception {
    for (String header : new String[] {"Bearer s3cr3", "Bearer s3cr3t ", "Bearer ", "Bearer S3CR3T"}) {
      assertEquals(
          new Authentication.Refused(401, "authentication failed", "invalid_credentials"),
          withKeys("true").authenticate(header, EVENT_WRITE));
    }
  }

  @Test
  void authenticate_bearerWhenOnlyApiKeysConfigured_401() throws Exception {
    Path keys = Files.writeString(dir.resolve("k"), ApiKeyStoreTest.line("rum", "k1", "event:write"));
    Authenticator onlyKeys = authenticator(Map.of("auth.api_key.enabled", "true", "auth.api_key.file", keys.toString()));
    assertEquals(401, ((Authentication.Refused) onlyKeys.authenticate("Bearer anything", EVENT_WRITE)).status());
  }

  @Test
  void authenticate_validApiKeyWithPrivilege_authenticated() throws Exception {
    assertEquals(
        new Authentication.Authenticated("api_key"),
        withKeys("false").authenticate("ApiKey " + ApiKeyStoreTest.credential("rum", "k1"), EVENT_WRITE));
  }

  @Test
  void authenticate_validApiKeyWithoutPrivilege_403() throws Exception {
    assertEquals(
        new Authentication.Refused(403, "unauthorized: API Key not permitted action \"event:write\"", "api_key_lacks_privilege"),
        withKeys("false").authenticate("ApiKey " + ApiKeyStoreTest.credential("cfg", "k2"), EVENT_WRITE));
  }

  @Test
  void authenticate_validApiKeyOnUnknownAction_authenticated() throws Exception {
    assertEquals(
        new Authentication.Authenticated("api_key"),
        withKeys("false").authenticate("ApiKey " + ApiKeyStoreTest.credential("cfg", "k2"), Optional.empty()));
  }

  @Test
  void authenticate_invalidApiKey_401() throws Exception {
    assertEquals(
        new Authentication.Refused(401, "authentication failed", "invalid_credentials"),
        withKeys("true").authenticate("ApiKey " + ApiKeyStoreTest.credential("rum", "nope"), EVENT_WRITE));
  }

  @Test
  void authenticate_apiKeyWhenApiKeysOff_401() throws Exception {
    Authenticator tokenOnly = authenticator(Map.of("auth.secret_token", "s3cr3t"));
    assertEquals(
        new Authentication.Refused(401, "authentication failed", "invalid_credentials"),
        tokenOnly.authenticate("ApiKey " + ApiKeyStoreTest.credential("rum", "k1"), EVENT_WRITE));
  }

  @Test
  void authenticate_unknownScheme_401NamingIt() throws Exception {
    assertEquals(
        new Authentication.Refused(
            401,
            "authentication failed: unknown Authentication header magic: expected 'Authorization: Bearer secret_token'"
                + " or 'Authorization: ApiKey base64(API key ID:API key)'",
            "unknown_scheme"),
        withKeys("true").authenticate("magic token", EVENT_WRITE));
  }

  @Test
  void authenticate_unknownSchemeWithControlCharacters_echoedSafely() throws Exception {
    Authentication.Refused refused =
        (Authentication.Refused) withKeys("true").authenticate("x\u0001\u00e9" + "y".repeat(500) + " t", EVENT_WRITE);
    assertEquals(Messages.unknownAuthenticationHeader("x??" + "y".repeat(61)), refused.message());
  }
}
