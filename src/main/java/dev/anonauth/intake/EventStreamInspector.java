package dev.anonauth.intake;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.UTF8StreamJsonParser;
import dev.anonauth.http.Messages;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Reads an intake ND-JSON stream line by line and checks every event against the allowlists.
 *
 * <p>Per line, as the APM Server's stream processor does: an empty line is skipped; the type is the
 * first quoted string of the raw line (so {@code { "invalid-json" }} is an unknown type, not a
 * syntax error); the line must then be exactly one JSON object with that single root key. Only the
 * fields that name a service or an agent are read; everything else is skipped with
 * {@code skipChildren()} (no strings, no trees).
 *
 * <p>Not thread-safe: one instance per request (it is small; the {@link JsonFactory} is shared).
 */
final class EventStreamInspector {

  // Event and metadata keys, as sniffed from the raw line (case-sensitive, as APM's switch).
  private static final byte[] METADATA = ascii("metadata");
  private static final byte[] M = ascii("m");

  private final JsonFactory json;
  private final Set<String> allowedServices;
  private final Set<String> allowedAgents;
  private final Names metadata = new Names();
  private final Names event = new Names();
  private final Names span = new Names();

  // The raw-sniffed root key of the current line: [keyStart, keyEnd) in the line buffer, or -1.
  private int keyStart;
  private int keyEnd;

  // The first refusal among the embedded spans of the current v3 transaction, or null.
  private Refusal spanRefusal;

  // One parser for the whole request, fed one line at a time; see checkLine.
  private final LineFeed feed = new LineFeed();
  private JsonParser shared;
  private boolean sharedFailed;

  EventStreamInspector(JsonFactory json, Set<String> allowedServices, Set<String> allowedAgents) {
    this.json = json;
    this.allowedServices = allowedServices;
    this.allowedAgents = allowedAgents;
  }

  /** Checks every event of the stream; returns how many events the APM Server would decode from it. */
  int inspect(LineReader lines) throws Refusal {
    if (!lines.next()) {
      throw Refusal.badRequest(Messages.EMPTY_BODY);
    }
    byte[] buf = lines.buffer();
    int off = lines.offset();
    int len = lines.length();
    if (!lines.terminated()) {
      throw Refusal.badRequest(Messages.EOF_WHILE_READING_METADATA, buf, off, len);
    }
    sniffKey(buf, off, len);
    boolean v3;
    if (keyIs(buf, METADATA)) {
      v3 = false;
    } else if (keyIs(buf, M)) {
      v3 = true;
    } else {
      throw Refusal.badRequest(Messages.METADATA_REQUIRED, buf, off, len);
    }
    metadata.reset();
    try {
      checkLine(buf, off, len, v3 ? "m" : "metadata", null);
      int events = 0;
      while (lines.next()) {
        buf = lines.buffer();
        off = lines.offset();
        len = lines.length();
        if (len == 0) {
          continue; // APM: "sending empty lines was permitted in previous versions"
        }
        events += inspectEvent(buf, off, len);
      }
      return events;
    } finally {
      closeShared();
    }
  }

  /** Metadata: the service (and agent) names the events inherit. */
  private void readMetadata(JsonParser p, boolean v3) throws IOException, IllegalStructure, Refusal {
    metadata.reset();
    JsonToken value = openRoot(p, v3 ? "m" : "metadata");
    if (value != JsonToken.START_OBJECT) {
      throw new IllegalStructure();
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      if (name.equalsIgnoreCase(v3 ? "se" : "service")) {
        readService(p, v, v3 ? "n" : "name", v3 ? "a" : "agent", metadata);
      } else {
        p.skipChildren();
      }
    }
  }

  /**
   * Parses one line whose root key is {@code key} (metadata when {@code shape} is null) and checks that it
   * is exactly one object with that single root key; returns the events it holds.
   *
   * <p>Fast path: one parser per request ({@link #shared}), fed this line alone by {@link LineFeed} —
   * it cannot see past the line; needing more bytes inside the object is an error. Any failure or doubt
   * on the fast path (a syntax error, a refusal, trailing content) re-parses the line with a parser of
   * its own, exactly as before, which gives the refusal and its message; the rest of the request then
   * stays on that per-line path. So the fast path decides only lines the per-line parse accepts, with the
   * same tokens (same parser class, same bytes, same constraints; nesting starts at the root each line).
   */
  private int checkLine(byte[] buf, int off, int len, String key, Shape shape) throws Refusal {
    if (!sharedFailed) {
      try {
        JsonParser p = sharedParser();
        feed.line(buf, off, len);
        int events = parseLine(p, key, shape);
        if (p.currentToken() == JsonToken.END_OBJECT
            && p.nextToken() == JsonToken.END_OBJECT
            && feed.restIsWhitespace(p)) {
          return events;
        }
      } catch (IOException | IllegalStructure | Refusal e) {
        // fall through: the per-line parse below decides, and gives the exact refusal
      }
      sharedFailed = true;
      closeShared();
    }
    try (JsonParser p = json.createParser(buf, off, len)) {
      int events = parseLine(p, key, shape);
      closeRoot(p);
      return events;
    } catch (IOException | IllegalStructure e) {
      throw invalid(e, buf, off, len);
    }
  }

  private int parseLine(JsonParser p, String key, Shape shape) throws IOException, IllegalStructure, Refusal {
    if (shape == null) {
      readMetadata(p, key.equals("m"));
      return 0;
    }
    return readEvent(p, key, shape);
  }

  private JsonParser sharedParser() throws IOException, IllegalStructure {
    if (shared == null) {
      feed.prime();
      shared = json.createParser(feed);
      if (!(shared instanceof UTF8StreamJsonParser)) { // the primer is ASCII: not expected
        throw new IllegalStructure();
      }
    }
    return shared;
  }

  private void closeShared() {
    if (shared != null) {
      try {
        shared.close(); // returns its buffers to the factory's recycler
      } catch (IOException e) {
        // in-memory feed: not expected, and nothing to release beyond what close() did
      }
      shared = null;
    }
  }

  private int inspectEvent(byte[] buf, int off, int len) throws Refusal {
    sniffKey(buf, off, len);
    EventType type = eventType(buf);
    if (type == null) {
      String name = keyStart < 0 ? "" : new String(buf, keyStart, keyEnd - keyStart, StandardCharsets.UTF_8);
      throw Refusal.badRequest(Messages.unrecognizedObjectType(name), buf, off, len);
    }
    String key = type.key;
    Shape shape = type.shape;
    int events = checkLine(buf, off, len, key, shape);
    Refusal refused = refusal(event);
    if (refused != null) {
      throw refused;
    }
    if (spanRefusal != null) {
      throw spanRefusal;
    }
    return events;
  }

  /** The event under {@code key}, up to its closing brace; returns how many events it holds. */
  private int readEvent(JsonParser p, String key, Shape shape) throws IOException, IllegalStructure, Refusal {
    event.reset();
    spanRefusal = null;
    int events = 1;
    JsonToken value = openRoot(p, key);
    if (value != JsonToken.START_OBJECT) {
      throw new IllegalStructure();
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      switch (shape) {
        case V2_CONTEXT:
          if (name.equalsIgnoreCase("context")) {
            readServiceIn(p, v, "service", "name", "agent", event);
          } else {
            p.skipChildren();
          }
          break;
        case V2_METRICSET:
          if (name.equalsIgnoreCase("service")) {
            readService(p, v, "name", null, event);
          } else {
            p.skipChildren();
          }
          break;
        case V2_LOG:
          if (name.equalsIgnoreCase("service")) {
            readService(p, v, "name", null, event);
          } else if (name.equalsIgnoreCase("service.name")) {
            event.addService(readName(p, v));
          } else {
            p.skipChildren();
          }
          break;
        case V3_TRANSACTION:
          if (name.equalsIgnoreCase("c")) {
            readServiceIn(p, v, "se", "n", "a", event);
          } else if (name.equalsIgnoreCase("y") && v == JsonToken.START_ARRAY) {
            // Embedded spans: each is an event of its own, with its own overrides over the metadata.
            while (p.nextToken() != JsonToken.END_ARRAY) {
              events++;
              span.reset();
              if (p.currentToken() == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                  String spanField = p.currentName();
                  JsonToken sv = p.nextToken();
                  if (spanField.equalsIgnoreCase("c")) {
                    readServiceIn(p, sv, "se", "n", "a", span);
                  } else {
                    p.skipChildren();
                  }
                }
              } else {
                p.skipChildren();
              }
              if (spanRefusal == null) {
                spanRefusal = refusal(span);
              }
            }
          } else if (name.equalsIgnoreCase("me") && v == JsonToken.START_ARRAY) {
            // Embedded metricsets: events of their own, carrying no service of their own.
            while (p.nextToken() != JsonToken.END_ARRAY) {
              events++;
              p.skipChildren();
            }
          } else {
            p.skipChildren();
          }
          break;
        case V3_ERROR:
          if (name.equalsIgnoreCase("c")) {
            readServiceIn(p, v, "se", "n", "a", event);
          } else {
            p.skipChildren();
          }
          break;
        default:
          throw new AssertionError(shape);
      }
    }
    return events;
  }

  /** Reads the root {@code {"<key>": <value>}} up to the value; returns the value's token. */
  private static JsonToken openRoot(JsonParser p, String key) throws IOException, IllegalStructure {
    if (p.nextToken() != JsonToken.START_OBJECT
        || p.nextToken() != JsonToken.FIELD_NAME
        || !key.equals(p.currentName())) {
      throw new IllegalStructure();
    }
    return p.nextToken();
  }

  /** After the root value: exactly one root key, and nothing but white space after the object. */
  private static void closeRoot(JsonParser p) throws IOException, IllegalStructure {
    if (p.currentToken() != JsonToken.END_OBJECT
        || p.nextToken() != JsonToken.END_OBJECT
        || p.nextToken() != null) {
      throw new IllegalStructure();
    }
  }

  /** {@code value} opens a context-like object; reads the service object under {@code serviceKey} in it. */
  private static void readServiceIn(
      JsonParser p, JsonToken value, String serviceKey, String nameKey, String agentKey, Names out)
      throws IOException, Refusal {
    if (value == JsonToken.VALUE_NULL) {
      return;
    }
    if (value != JsonToken.START_OBJECT) {
      throw Refusal.badRequest(Messages.INVALID_SERVICE_FIELD);
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      if (name.equalsIgnoreCase(serviceKey)) {
        readService(p, v, nameKey, agentKey, out);
      } else {
        p.skipChildren();
      }
    }
  }

  /** {@code value} opens a service object: {@code name}, and {@code agent.name} when {@code agentKey} is given. */
  private static void readService(JsonParser p, JsonToken value, String nameKey, String agentKey, Names out)
      throws IOException, Refusal {
    if (value == JsonToken.VALUE_NULL) {
      return;
    }
    if (value != JsonToken.START_OBJECT) {
      throw Refusal.badRequest(Messages.INVALID_SERVICE_FIELD);
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      if (name.equalsIgnoreCase(nameKey)) {
        out.addService(readName(p, v));
      } else if (agentKey != null && name.equalsIgnoreCase(agentKey)) {
        if (v == JsonToken.VALUE_NULL) {
          continue;
        }
        if (v != JsonToken.START_OBJECT) {
          throw Refusal.badRequest(Messages.INVALID_SERVICE_FIELD);
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String agentField = p.currentName();
          JsonToken av = p.nextToken();
          if (agentField.equalsIgnoreCase(nameKey)) {
            out.addAgent(readName(p, av));
          } else {
            p.skipChildren();
          }
        }
      } else {
        p.skipChildren();
      }
    }
  }

  private static String readName(JsonParser p, JsonToken value) throws IOException, Refusal {
    if (value == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    if (value == JsonToken.VALUE_NULL) {
      return null;
    }
    throw Refusal.badRequest(Messages.INVALID_SERVICE_FIELD);
  }

  /**
   * The refusal for one event, or {@code null}: its overrides merged over the metadata, field by
   * field; service checked before agent. Every value a decoder could pick (duplicate keys, keys
   * differing only in case) must be allowed. No name at all is the empty string, checked against
   * the allowlist as the APM Server's authorizer does.
   */
  private Refusal refusal(Names names) {
    if (!allowedServices.isEmpty()) {
      Names source = names.serviceCount > 0 ? names : metadata;
      if (source.serviceCount == 0) {
        if (!allowedServices.contains("")) {
          return Refusal.forbidden(Messages.serviceNotPermitted(""), Inspection.SERVICE_NOT_PERMITTED);
        }
      }
      for (int i = 0; i < source.serviceCount; i++) {
        if (!allowedServices.contains(source.services[i])) {
          return Refusal.forbidden(Messages.serviceNotPermitted(source.services[i]), Inspection.SERVICE_NOT_PERMITTED);
        }
      }
    }
    if (!allowedAgents.isEmpty()) {
      Names source = names.agentCount > 0 ? names : metadata;
      if (source.agentCount == 0) {
        if (!allowedAgents.contains("")) {
          return Refusal.forbidden(Messages.agentNotPermitted(""), Inspection.AGENT_NOT_PERMITTED);
        }
      }
      for (int i = 0; i < source.agentCount; i++) {
        if (!allowedAgents.contains(source.agents[i])) {
          return Refusal.forbidden(Messages.agentNotPermitted(source.agents[i]), Inspection.AGENT_NOT_PERMITTED);
        }
      }
    }
    return null;
  }

  private static Refusal invalid(Exception e, byte[] buf, int off, int len) {
    if (e instanceof StreamConstraintsException && String.valueOf(e.getMessage()).contains("nesting")) {
      return Refusal.badRequest(Messages.JSON_TOO_DEEP, buf, off, len);
    }
    return Refusal.badRequest(Messages.INVALID_JSON, buf, off, len);
  }

  /** APM's {@code identifyEventType}: the first string quoted with {@code "} or {@code '}, raw. */
  private void sniffKey(byte[] buf, int off, int len) {
    keyStart = -1;
    keyEnd = -1;
    int limit = off + len;
    for (int i = off; i < limit; i++) {
      byte c = buf[i];
      if (c == '"' || c == '\'') {
        for (int j = i + 1; j < limit; j++) {
          if (buf[j] == c) {
            keyStart = i + 1;
            keyEnd = j;
            return;
          }
        }
        return;
      }
    }
  }

  private EventType eventType(byte[] buf) {
    for (EventType type : EventType.VALUES) {
      if (keyIs(buf, type.bytes)) {
        return type;
      }
    }
    return null;
  }

  private boolean keyIs(byte[] buf, byte[] expected) {
    if (keyStart < 0 || keyEnd - keyStart != expected.length) {
      return false;
    }
    for (int i = 0; i < expected.length; i++) {
      if (buf[keyStart + i] != expected[i]) {
        return false;
      }
    }
    return true;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** The root keys of event lines the APM Server decodes (intake v2, then RUM v3), and where their overrides live. */
  private enum EventType {
    TRANSACTION("transaction", Shape.V2_CONTEXT),
    SPAN("span", Shape.V2_CONTEXT),
    ERROR("error", Shape.V2_CONTEXT),
    METRICSET("metricset", Shape.V2_METRICSET),
    LOG("log", Shape.V2_LOG),
    X("x", Shape.V3_TRANSACTION),
    E("e", Shape.V3_ERROR);

    static final EventType[] VALUES = values();

    final String key;
    final byte[] bytes;
    final Shape shape;

    EventType(String key, Shape shape) {
      this.key = key;
      this.bytes = ascii(key);
      this.shape = shape;
    }
  }

  private enum Shape {
    V2_CONTEXT,
    V2_METRICSET,
    V2_LOG,
    V3_TRANSACTION,
    V3_ERROR
  }

  /** Structure other than one object with one root key of the sniffed name. */
  private static final class IllegalStructure extends Exception {
    private static final long serialVersionUID = 1L;

    IllegalStructure() {
      super(null, null, false, false);
    }
  }

  /**
   * The input of the shared parser: the current line and nothing else. Running out of the line inside an
   * object fails with {@link LineEnded} (never end-of-input, after which Jackson would not read again).
   */
  static final class LineFeed extends InputStream {
    // Read by Jackson's encoding detection when the parser is created: ASCII white space, so UTF-8.
    private static final byte[] PRIMER = {' ', ' ', ' ', ' '};

    private byte[] buf;
    private int pos;
    private int end;
    private boolean trailingOk;

    private final OutputStream trailing =
        new OutputStream() {
          @Override
          public void write(int b) {
            trailingOk &= isSpace((byte) b);
          }

          @Override
          public void write(byte[] b, int off, int len) {
            trailingOk &= allSpace(b, off, off + len);
          }
        };

    void prime() {
      line(PRIMER, 0, PRIMER.length);
    }

    void line(byte[] buf, int off, int len) {
      this.buf = buf;
      this.pos = off;
      this.end = off + len;
    }

    /**
     * After the root object's closing brace: whether the rest of the line — what the parser has buffered
     * and what it has not read yet — is white space only (so that a per-line parser's next token would be
     * the end of input). Drains the parser's buffer so that the next line starts afresh.
     */
    boolean restIsWhitespace(JsonParser p) throws IOException {
      trailingOk = true;
      p.releaseBuffered(trailing);
      return trailingOk && allSpace(buf, pos, end);
    }

    /** JSON white space within a line (a line holds no line feed); anything else ends the fast path. */
    private static boolean isSpace(byte c) {
      return c == ' ' || c == '\t' || c == '\r';
    }

    private static boolean allSpace(byte[] b, int from, int to) {
      for (int i = from; i < to; i++) {
        if (!isSpace(b[i])) {
          return false;
        }
      }
      return true;
    }

    @Override
    public int read() throws IOException {
      if (pos == end) {
        throw new LineEnded();
      }
      return buf[pos++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (pos == end) {
        throw new LineEnded();
      }
      int n = Math.min(len, end - pos);
      System.arraycopy(buf, pos, b, off, n);
      pos += n;
      return n;
    }
  }

  /** The shared parser needed bytes past the end of the current line. */
  static final class LineEnded extends IOException {
    private static final long serialVersionUID = 1L;

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }
  }

  /** Service and agent names seen for one event (usually one of each); reused across events. */
  static final class Names {
    String[] services = new String[2];
    String[] agents = new String[2];
    int serviceCount;
    int agentCount;

    void reset() {
      serviceCount = 0;
      agentCount = 0;
    }

    void addService(String name) {
      if (name != null) {
        if (serviceCount == services.length) {
          services = java.util.Arrays.copyOf(services, serviceCount * 2);
        }
        services[serviceCount++] = name;
      }
    }

    void addAgent(String name) {
      if (name != null) {
        if (agentCount == agents.length) {
          agents = java.util.Arrays.copyOf(agents, agentCount * 2);
        }
        agents[agentCount++] = name;
      }
    }
  }
}
