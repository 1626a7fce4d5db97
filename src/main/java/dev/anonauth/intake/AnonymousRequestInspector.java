package dev.anonauth.intake;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.anonauth.http.Messages;
import dev.anonauth.http.ReplayingRequest;
import dev.anonauth.otlp.Encoding;
import dev.anonauth.otlp.OtlpDecoder;
import dev.anonauth.otlp.OtlpException;
import dev.anonauth.otlp.Signal;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.Set;

/**
 * Decides whether an anonymous request may reach the application: which agent and service it speaks
 * for, checked against the allowlists for every event.
 *
 * <h2>Design: buffer, decide, replay</h2>
 *
 * <p>For an event-ingest request the raw body is read completely into memory, bounded by
 * {@code maxRequestSize} bytes (a {@code Content-Length} above it is refused with 413 before a byte is
 * read). It is then decoded (gzip, zlib or raw deflate, or none) and split into lines; every line is
 * parsed with Jackson's streaming parser, reading only the fields that name a service or an agent;
 * every event is checked. Only when every event is allowed does the application get the request: a
 * {@link ReplayingRequest} over the <em>same raw bytes</em> (a gzip body stays the same gzip bytes,
 * headers are untouched). So no event of a refused request can reach the application — it has not
 * seen a byte when the decision is made.
 *
 * <p>Memory per request in flight: the raw body (≤ {@code maxRequestSize}), plus for a compressed body
 * one line buffer (4 KiB, doubling up to {@code maxEventSize}) and the inflater's state (~40 KiB
 * native, 2 KiB heap) — decompressed data is never held whole. The decompressed stream is bounded too: more
 * than {@code maxRequestSize} decoded bytes is refused with 413 as soon as the bound is crossed, so a
 * gzip bomb costs at most {@code maxRequestSize} bytes of inflating. Lines are at most
 * {@code maxEventSize} bytes and JSON nesting at most {@value #MAX_NESTING_DEPTH} levels.
 * With the defaults (10 MiB, 300 KiB) and N concurrent anonymous uploads, the worst case is about
 * N × 10.3 MiB; size {@code maxRequestSize} to the container's thread pool.
 *
 * <h2>Decisions</h2>
 *
 * <ul>
 *   <li>Unknown actions and source-map uploads: 403, never read.
 *   <li>Agent configuration: GET takes {@code service.name} from the query and is passed on
 *       unwrapped; POST reads {@code {"service":{"name":…}}} from a JSON body, or {@code service.name}
 *       from a form body (bounded by {@code maxEventSize}), and is replayed; every
 *       {@code service.name} in the query is checked too. No service name (or an empty one): 400
 *       {@code service.name is required}; a body that is not one JSON object: 400 {@code invalid query}.
 *       Only the service allowlist applies. Counts 0 events.
 *   <li>OTLP/HTTP ({@code …/v1/traces}, {@code …/v1/metrics}, {@code …/v1/logs}): protobuf or JSON
 *       ({@code Content-Type}, else 415), plain or compressed as {@code Content-Encoding} says; every
 *       resource is checked (see {@code dev.anonauth.otlp}); counts spans, data points or log records.
 *   <li>Events are counted as the APM Server decodes them: one per line, plus, in a RUM v3
 *       transaction ({@code x}), one per embedded span ({@code y}) and metricset ({@code me}).
 * </ul>
 *
 * <p>Thread-safe; one instance serves every request.
 */
public final class AnonymousRequestInspector {

  public static final int DEFAULT_MAX_EVENT_SIZE = 307_200;

  public static final long DEFAULT_MAX_REQUEST_SIZE = 10L * 1024 * 1024;

  /** Deeper JSON is refused (RUM payloads nest about 8 deep; the APM Server's decoder allows 10 000). */
  public static final int MAX_NESTING_DEPTH = 256;

  private final Set<String> allowedAgents;
  private final Set<String> allowedServices;
  private final int maxEventSize;
  private final long maxRequestSize;
  private final JsonFactory json;

  public AnonymousRequestInspector(
      Set<String> allowedAgents, Set<String> allowedServices, int maxEventSize, long maxRequestSize) {
    if (maxEventSize <= 0) {
      throw new IllegalArgumentException("maxEventSize was set to " + maxEventSize + ", must be > 0");
    }
    if (maxRequestSize <= 0) {
      throw new IllegalArgumentException("maxRequestSize was set to " + maxRequestSize + ", must be > 0");
    }
    this.allowedAgents = Set.copyOf(allowedAgents);
    this.allowedServices = Set.copyOf(allowedServices);
    this.maxEventSize = maxEventSize;
    this.maxRequestSize = maxRequestSize;
    this.json =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_NESTING_DEPTH)
                    .maxStringLength(maxEventSize)
                    .build())
            // Field names come from anonymous clients: canonicalise (no garbage) but never String.intern().
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .build();
  }

  public Inspection inspect(Action action, HttpServletRequest request) throws IOException {
    try {
      switch (action) {
        case EVENT_INGEST:
          return inspectEvents(request);
        case AGENT_CONFIG:
          return inspectAgentConfig(request);
        case OTLP_INGEST:
          return inspectOtlp(request);
        case SOURCEMAP_UPLOAD:
          return new Inspection.Refused(403, Messages.SOURCEMAP_UPLOAD_NOT_PERMITTED, null, Inspection.SOURCEMAP_DENIED);
        default:
          return new Inspection.Refused(403, Messages.UNKNOWN_ACTION_NOT_PERMITTED, null, Inspection.UNKNOWN_ENDPOINT);
      }
    } catch (Refusal refusal) {
      return refusal.toInspection();
    }
  }

  private Inspection inspectEvents(HttpServletRequest request) throws Refusal {
    RawBody body = RawBody.read(request, maxRequestSize);
    ContentDecoding decoding =
        ContentDecoding.choose(request.getHeader("Content-Encoding"), body.bytes, body.length);
    EventStreamInspector events = new EventStreamInspector(json, allowedServices, allowedAgents);
    int count;
    if (decoding == ContentDecoding.NONE) {
      count = events.inspect(new LineReader(body.bytes, body.length, maxEventSize));
    } else {
      try (InputStream decoded = decoding.open(body.bytes, body.length, maxRequestSize);
          LineReader lines = new LineReader(decoded, maxEventSize)) {
        count = events.inspect(lines);
      } catch (IOException e) {
        throw Refusal.badRequest(Messages.BODY_READ_FAILED); // close() of an in-memory stream: not expected
      }
    }
    return new Inspection.Admitted(new ReplayingRequest(request, body.bytes, body.length), count);
  }

  /**
   * OTLP/HTTP: the same bounded read and decompression as the intake (but the encoding is taken from
   * {@code Content-Encoding} only, never sniffed), then {@link OtlpDecoder} checks every resource, service
   * before agent, and counts spans, data points or log records. Replayed like the intake.
   */
  private Inspection inspectOtlp(HttpServletRequest request) throws Refusal {
    Signal signal = Signal.ofPath(Action.pathOf(request));
    Encoding encoding = Encoding.of(request.getContentType());
    if (signal == null || encoding == null) {
      throw new Refusal(
          415, Messages.unsupportedOtlpContentType(request.getContentType()), null, Inspection.UNSUPPORTED_MEDIA_TYPE);
    }
    RawBody body = RawBody.read(request, maxRequestSize);
    ContentDecoding decoding =
        ContentDecoding.declared(request.getHeader("Content-Encoding"), body.bytes, body.length);
    int count;
    try (InputStream decoded = decoding.open(body.bytes, body.length, maxRequestSize)) {
      count = OtlpDecoder.inspect(signal, encoding, decoded, (service, agent) -> {
        if (!allowedServices.isEmpty() && !allowedServices.contains(service)) {
          throw new OtlpException(403, Messages.serviceNotPermitted(service), Inspection.SERVICE_NOT_PERMITTED);
        }
        if (!allowedAgents.isEmpty() && !allowedAgents.contains(agent)) {
          throw new OtlpException(403, Messages.agentNotPermitted(agent), Inspection.AGENT_NOT_PERMITTED);
        }
      });
    } catch (OtlpException e) {
      throw new Refusal(e.status(), e.getMessage(), null, e.reason() == null ? Inspection.MALFORMED : e.reason());
    } catch (ContentDecoding.RefusalIOException e) {
      throw e.refusal;
    } catch (IOException e) {
      throw Refusal.badRequest(Messages.BODY_READ_FAILED); // in-memory streams: not expected
    }
    return new Inspection.Admitted(new ReplayingRequest(request, body.bytes, body.length), count);
  }

  private Inspection inspectAgentConfig(HttpServletRequest request) throws Refusal {
    EventStreamInspector.Names names = new EventStreamInspector.Names();
    if (!"POST".equalsIgnoreCase(request.getMethod())) {
      addAll(names, request.getParameterValues("service.name"));
      authorizeServices(names);
      return new Inspection.Admitted(request, 0);
    }
    RawBody body = RawBody.read(request, Math.min(maxRequestSize, maxEventSize));
    ReplayingRequest replay = new ReplayingRequest(request, body.bytes, body.length);
    // Query parameters, and for a form POST the form's: every service.name given must be allowed.
    addAll(names, replay.getParameterValues("service.name"));
    String contentType = request.getContentType();
    boolean form =
        contentType != null
            && contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded");
    if (!form && body.length > 0) {
      readConfigJson(body, request.getHeader("Content-Encoding"), names);
    }
    authorizeServices(names);
    return new Inspection.Admitted(replay, 0);
  }

  /** The APM agent-config POST body: {@code {"service":{"name":…,"environment":…},…}}. */
  private void readConfigJson(RawBody body, String contentEncoding, EventStreamInspector.Names names)
      throws Refusal {
    ContentDecoding decoding = ContentDecoding.choose(contentEncoding, body.bytes, body.length);
    try (InputStream decoded = decoding.open(body.bytes, body.length, maxEventSize);
        JsonParser p = json.createParser(decoded)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw Refusal.badRequest(Messages.INVALID_QUERY);
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (name.equalsIgnoreCase("service") && value == JsonToken.START_OBJECT) {
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            if (field.equalsIgnoreCase("name") && v == JsonToken.VALUE_STRING) {
              names.addService(p.getText());
            } else {
              p.skipChildren();
            }
          }
        } else {
          p.skipChildren();
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
        throw Refusal.badRequest(Messages.INVALID_QUERY);
      }
    } catch (ContentDecoding.RefusalIOException e) {
      throw e.refusal;
    } catch (IOException e) {
      throw Refusal.badRequest(Messages.INVALID_QUERY);
    }
  }

  private static void addAll(EventStreamInspector.Names names, String[] values) {
    if (values != null) {
      for (String value : values) {
        names.addService(value);
      }
    }
  }

  private void authorizeServices(EventStreamInspector.Names names) throws Refusal {
    if (names.serviceCount == 0) {
      throw Refusal.badRequest(Messages.SERVICE_NAME_REQUIRED);
    }
    for (int i = 0; i < names.serviceCount; i++) {
      authorizeService(names.services[i]);
    }
  }

  private void authorizeService(String service) throws Refusal {
    if (service == null || service.isEmpty()) {
      throw Refusal.badRequest(Messages.SERVICE_NAME_REQUIRED);
    }
    if (!allowedServices.isEmpty() && !allowedServices.contains(service)) {
      throw Refusal.forbidden(Messages.serviceNotPermitted(service), Inspection.SERVICE_NOT_PERMITTED);
    }
  }
}
