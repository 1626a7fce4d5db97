package dev.anonauth.intake;

import static dev.anonauth.intake.AnonymousRequestInspectorTest.admitted;
import static dev.anonauth.intake.AnonymousRequestInspectorTest.assertRefused;
import static dev.anonauth.intake.FakeRequests.gzip;
import static dev.anonauth.intake.FakeRequests.post;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.anonauth.http.Messages;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link EventStreamInspector} parses a request's lines with one shared parser, fed one line at a time,
 * falling back to a parser per line on anything unusual. These cases cross line boundaries, follow
 * accepted lines with broken ones and long lines with short ones; every one is checked on a plain body
 * (lines in place) and a gzip body (lines copied through {@link LineReader}'s buffer).
 */
class SharedParserTest {

  private static final String V2 = "/intake/v2/rum/events";
  private static final String META =
      "{\"metadata\":{\"service\":{\"name\":\"shop\",\"agent\":{\"name\":\"rum-js\",\"version\":\"5\"}}}}\n";
  private static final String TX = "{\"transaction\":{\"id\":\"1\",\"type\":\"page-load\",\"duration\":1}}\n";
  private static final AnonymousRequestInspector ANY =
      new AnonymousRequestInspector(Set.of(), Set.of(), 307_200, 10L << 20);
  private static final AnonymousRequestInspector SHOP_ONLY =
      new AnonymousRequestInspector(Set.of(), Set.of("shop"), 307_200, 10L << 20);

  private static Inspection inspect(AnonymousRequestInspector inspector, String body, boolean gzipped) throws IOException {
    byte[] bytes = body.getBytes(UTF_8);
    return inspector.inspect(Action.EVENT_INGEST, post(V2, gzipped ? gzip(bytes) : bytes));
  }

  private static String tx(String service) {
    return "{\"transaction\":{\"id\":\"1\",\"context\":{\"service\":{\"name\":\"" + service + "\"}}}}\n";
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void objectSplitOverTwoLines_firstLineInvalid(boolean gzipped) throws IOException {
    String first = "{\"transaction\":{\"id\":";
    assertRefused(inspect(ANY, META + TX + first + "\n\"1\"}}\n" + TX, gzipped), 400, Messages.INVALID_JSON, first);
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void trailingSpaceTabAndCarriageReturn_admitted(boolean gzipped) throws IOException {
    String body = META.replace("\n", " \t\r\n") + TX.replace("\n", "   \r\n") + TX.replace("\n", "\t\n") + TX;
    assertEquals(3, admitted(inspect(ANY, body, gzipped)).events());
  }

  @ParameterizedTest
  @ValueSource(strings = {" x", " {}", "  \t1", ",", "\u0000", " /* */", "}"})
  void contentAfterTheObjectOnALaterLine_invalid(String trailing) throws IOException {
    for (boolean gzipped : new boolean[] {false, true}) {
      String bad = TX.strip() + trailing;
      assertRefused(inspect(ANY, META + TX + TX + bad + "\n" + TX, gzipped), 400, Messages.INVALID_JSON, bad);
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void whitespaceOnlyLineAfterEvents_unrecognizedType(boolean gzipped) throws IOException {
    assertRefused(inspect(ANY, META + TX + "  \r\n" + TX, gzipped), 400, "did not recognize object type: \"\"", "  \r");
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void nestingSplitOverTwoLines_invalidNotTooDeep(boolean gzipped) throws IOException {
    String first = "{\"transaction\":{\"custom\":" + "[".repeat(200);
    assertRefused(inspect(ANY, META + TX + first + "\n" + "[".repeat(100) + "\n", gzipped),
        400, Messages.INVALID_JSON, first);
    String deep = "{\"transaction\":{\"custom\":" + "[".repeat(300);
    assertRefused(inspect(ANY, META + TX + deep + "\n", gzipped), 400, Messages.JSON_TOO_DEEP, deep);
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void linesLongerThanTheParserBuffer_eachCheckedWhole(boolean gzipped) throws IOException {
    String pad = "a".repeat(20_000);
    String longTx = "{\"transaction\":{\"name\":\"" + pad + "\",\"context\":{\"service\":{\"name\":\"shop\"}}}}"
        + " ".repeat(9_000) + "\n";
    assertEquals(3, admitted(inspect(SHOP_ONLY, META + longTx + TX + longTx, gzipped)).events());
    assertRefused(inspect(SHOP_ONLY, META + longTx + tx("other") + longTx, gzipped),
        403, Messages.serviceNotPermitted("other"), null);
    String trailing = longTx.replace(" ".repeat(9_000), " ".repeat(9_000) + "x");
    assertRefused(inspect(SHOP_ONLY, META + longTx + trailing + TX, gzipped),
        400, Messages.INVALID_JSON, trailing.substring(0, 1024));
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void everyLineChecked_serviceOfTheFirstRefusedLineReported(boolean gzipped) throws IOException {
    StringBuilder body = new StringBuilder(META);
    for (int i = 0; i < 50; i++) {
      body.append(tx("shop")).append(TX);
    }
    body.append(tx("second")).append(tx("third"));
    assertRefused(inspect(SHOP_ONLY, body.toString(), gzipped), 403, Messages.serviceNotPermitted("second"), null);
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void byteOrderMarkStartingALaterLine_asAParserPerLineAndLaterLinesStillChecked(boolean gzipped) throws IOException {
    String bom = "\uFEFF";
    // A parser per line skips a UTF-8 byte order mark at its start: so does the filter, still.
    assertEquals(3, admitted(inspect(SHOP_ONLY, META + TX + bom + TX + TX, gzipped)).events());
    assertRefused(inspect(SHOP_ONLY, META + TX + bom + TX + tx("other"), gzipped),
        403, Messages.serviceNotPermitted("other"), null);
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void invalidServiceFieldAfterAcceptedLines_sameRefusal(boolean gzipped) throws IOException {
    String bad = "{\"transaction\":{\"context\":{\"service\":5}}}\n";
    assertRefused(inspect(ANY, META + TX + bad + TX, gzipped), 400, Messages.INVALID_SERVICE_FIELD, null);
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void invalidUtf8AfterAcceptedLines_invalidJson(boolean gzipped) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes((META + TX).getBytes(UTF_8));
    byte[] bad = "{\"transaction\":{\"name\":\"\u00ff\"}}".getBytes(UTF_8);
    bad[bad.length - 4] = (byte) 0xff; // a byte never valid in UTF-8, inside a string
    body.writeBytes(bad);
    body.writeBytes("\n".getBytes(UTF_8));
    byte[] bytes = body.toByteArray();
    Inspection result = ANY.inspect(Action.EVENT_INGEST, post(V2, gzipped ? gzip(bytes) : bytes));
    assertRefused(result, 400, Messages.INVALID_JSON, ((Inspection.Refused) result).document());
  }
}
