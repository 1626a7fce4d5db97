package dev.anonauth.bench.load;

import dev.anonauth.AnonymousAuthFilter;
import dev.anonauth.FilterStatus;
import dev.anonauth.bench.FilterSetup;
import dev.anonauth.bench.Payloads;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.catalina.filters.RateLimitFilter;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.servlets.DoSFilter;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;

/**
 * The load benchmark: one embedded Jetty 12 (ee10) with one context per case, each with the same intake
 * servlet behind a different filter (or none), driven by {@code wrk} in its own process. The cases run in
 * rotating order, round after round, after a warm-up round, so that drift on a shared machine hits all of
 * them alike; ratios are taken within a round and their median reported.
 *
 * <pre>
 * java -cp ... dev.anonauth.bench.load.LoadBench --out target/results/load.md \
 *   [--seconds 7] [--rounds 4] [--warmup 5] [--connections 32] [--threads 1] [--wrk wrk] [--script wrk/intake.lua]
 * </pre>
 */
public final class LoadBench {

  /** One column of the comparison. */
  record Case(String id, String title, String context, String authorization) {}

  static final String SCHEME_BEARER = "Bearer " + FilterSetup.SECRET;

  static final List<Case> ALL_CASES = List.of(
      new Case("none", "(1) no filter", "/none", null),
      new Case("pass", "(2) empty pass-through filter", "/pass", null),
      new Case("anonymous", "(3) AnonymousAuthFilter, anonymous allowed (gzip RUM v3)", "/aaf", null),
      new Case("bearer", "(4) AnonymousAuthFilter, Bearer secret token", "/aaf", SCHEME_BEARER),
      new Case("dos", "(5) Jetty DoSFilter", "/dos", null),
      new Case("tomcat", "(6) Tomcat RateLimitFilter", "/tomcat", null),
      new Case("pass-decode", "(2d) pass-through filter, servlet decodes (gunzip + JSON tokens)", "/pass-decode", null),
      new Case("anonymous-decode", "(3d) AnonymousAuthFilter anonymous, servlet decodes", "/aaf-decode", null));

  /** What one wrk run printed, and the server CPU it cost. */
  record Sample(long requests, long durationUs, long errors, long p50Us, long p99Us, long serverCpuNs) {
    double throughput() {
      return requests * 1e6 / durationUs;
    }

    double cpuUsPerRequest() {
      return requests == 0 ? Double.NaN : serverCpuNs / 1e3 / requests;
    }
  }

  private static final Pattern RESULT = Pattern.compile("RESULT (.*)");

  public static void main(String[] args) throws Exception {
    Map<String, String> options = options(args);
    int seconds = Integer.parseInt(options.getOrDefault("seconds", "7"));
    int rounds = Integer.parseInt(options.getOrDefault("rounds", "4"));
    int warmup = Integer.parseInt(options.getOrDefault("warmup", "5"));
    int connections = Integer.parseInt(options.getOrDefault("connections", "32"));
    int threads = Integer.parseInt(options.getOrDefault("threads", "1"));
    String wrk = options.getOrDefault("wrk", "wrk");
    String script = options.getOrDefault("script", "wrk/intake.lua");
    Path out = Path.of(options.getOrDefault("out", "target/results/load.md"));
    List<String> selected = List.of(options.getOrDefault("cases",
        "none,pass,anonymous,bearer,dos,tomcat,pass-decode,anonymous-decode").split(","));
    List<Case> cases = ALL_CASES.stream().filter(c -> selected.contains(c.id())).toList();
    if (cases.size() != selected.size() || cases.stream().noneMatch(c -> c.id().equals("pass"))) {
      throw new IllegalArgumentException("--cases: ids from " + ALL_CASES.stream().map(Case::id).toList()
          + ", including pass (the baseline); got " + selected);
    }

    Payloads payload = Payloads.V3;
    Path body = Files.createTempFile("rum-v3-", ".ndjson.gz");
    Files.write(body, payload.gzip());
    body.toFile().deleteOnExit();

    Map<String, IntakeServlet> servlets = new LinkedHashMap<>();
    Map<String, FilterHolder> holders = new LinkedHashMap<>();
    Server server = startServer(cases, servlets, holders);
    int port = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    try {
      for (Case c : cases) {
        check(port, c, payload, servlets.get(c.context()));
      }
      Map<String, List<Sample>> samples = new LinkedHashMap<>();
      cases.forEach(c -> samples.put(c.id(), new ArrayList<>()));
      log("warm-up: %d s per case", warmup);
      for (Case c : cases) {
        run(wrk, script, body, port, payload, c, warmup, connections, threads);
      }
      for (int r = 0; r < rounds; r++) {
        for (int k = 0; k < cases.size(); k++) {
          Case c = cases.get((k + r) % cases.size());
          Sample s = run(wrk, script, body, port, payload, c, seconds, connections, threads);
          samples.get(c.id()).add(s);
          log("round %d %-10s %8.0f req/s p50 %5d us p99 %6d us cpu %.1f us/req errors %d",
              r + 1, c.id(), s.throughput(), s.p50Us(), s.p99Us(), s.cpuUsPerRequest(), s.errors());
        }
      }
      String decisions = holders.containsKey("/aaf") ? status(holders.get("/aaf")) : "(not run)";
      String markdown = markdown(cases, samples, rounds, seconds, warmup, connections, threads, payload, decisions, servlets);
      Files.createDirectories(out.toAbsolutePath().getParent());
      Files.writeString(out, markdown);
      Files.writeString(Path.of(out.toString().replaceFirst("\\.md$", "") + ".properties"), figures(cases, samples));
      System.out.println(markdown);
    } finally {
      server.stop();
    }
  }

  private static Server startServer(
      List<Case> cases, Map<String, IntakeServlet> servlets, Map<String, FilterHolder> holders) throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ContextHandlerCollection collection = new ContextHandlerCollection();
    List<Handler> handlers = new ArrayList<>();
    List<String> contexts = cases.stream().map(Case::context).distinct().toList();
    if (contexts.contains("/none")) {
      handlers.add(context("/none", null, Map.of(), servlets, holders));
    }
    if (contexts.contains("/pass")) {
      handlers.add(context("/pass", new PassThroughFilter(), Map.of(), servlets, holders));
    }
    if (contexts.contains("/aaf")) {
      handlers.add(context("/aaf", new AnonymousAuthFilter(), FilterSetup.initParams(), servlets, holders));
    }
    // Equivalent per-client limits, far above what the run can reach: both key on the TCP peer.
    if (contexts.contains("/dos")) {
      handlers.add(context("/dos", new DoSFilter(), Map.of("maxRequestsPerSec", "1000000"), servlets, holders));
    }
    if (contexts.contains("/pass-decode")) {
      handlers.add(context("/pass-decode", new PassThroughFilter(), Map.of(), servlets, holders));
    }
    if (contexts.contains("/aaf-decode")) {
      handlers.add(context("/aaf-decode", new AnonymousAuthFilter(), FilterSetup.initParams(), servlets, holders));
    }
    if (contexts.contains("/tomcat")) {
      handlers.add(context("/tomcat", new RateLimitFilter(),
          Map.of("bucketRequests", "1000000", "bucketDuration", "1"), servlets, holders));
    }
    collection.setHandlers(handlers.toArray(new Handler[0]));
    server.setHandler(collection);
    server.start();
    return server;
  }

  private static ServletContextHandler context(String path, Filter filter, Map<String, String> params,
      Map<String, IntakeServlet> servlets, Map<String, FilterHolder> holders) {
    ServletContextHandler context = new ServletContextHandler(path);
    if (filter != null) {
      FilterHolder holder = new FilterHolder(filter);
      holder.setName("anonymous-auth");
      holder.setInitParameters(new LinkedHashMap<>(params));
      context.addFilter(holder, "/*", EnumSet.of(DispatcherType.REQUEST));
      holders.put(path, holder);
    }
    IntakeServlet servlet = path.endsWith("-decode") ? new DecodingIntakeServlet() : new IntakeServlet();
    context.addServlet(new ServletHolder(servlet), "/*");
    servlets.put(path, servlet);
    return context;
  }

  /** One request by hand: the case must answer 202 and the servlet must have read the whole body. */
  private static void check(int port, Case c, Payloads payload, IntakeServlet servlet) throws IOException {
    long before = servlet.bodyBytes.sum();
    byte[] gz = payload.gzip();
    HttpURLConnection http = (HttpURLConnection)
        URI.create("http://127.0.0.1:" + port + c.context() + payload.path()).toURL().openConnection();
    http.setRequestMethod("POST");
    http.setDoOutput(true);
    http.setRequestProperty("Content-Type", "application/x-ndjson");
    http.setRequestProperty("Content-Encoding", "gzip");
    http.setRequestProperty("X-Forwarded-For", FilterSetup.clientIp(1));
    if (c.authorization() != null) {
      http.setRequestProperty("Authorization", c.authorization());
    }
    try (OutputStream o = http.getOutputStream()) {
      o.write(gz);
    }
    int status = http.getResponseCode();
    String response = readAll(status < 400 ? http.getInputStream() : http.getErrorStream());
    long read = servlet.bodyBytes.sum() - before;
    if (status != 202 || read != gz.length) {
      throw new IllegalStateException(c.title() + ": expected 202 with the " + gz.length
          + "-byte body read downstream, got " + status + " " + response + " (" + read + " bytes read)");
    }
    log("check %-10s 202, %d body bytes reached the servlet", c.id(), read);
  }

  private static String readAll(InputStream in) throws IOException {
    if (in == null) {
      return "";
    }
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static Sample run(String wrk, String script, Path body, int port, Payloads payload, Case c,
      int seconds, int connections, int threads) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(Arrays.asList(
        wrk, "-t" + threads, "-c" + connections, "-d" + seconds + "s", "--timeout", "10s", "-s", script,
        "http://127.0.0.1:" + port + c.context() + payload.path(),
        "--", body.toString(), c.authorization() == null ? "-" : c.authorization(),
        Integer.toString(FilterSetup.CLIENTS)));
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpuBefore = os.getProcessCpuTime();
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    process.getInputStream().transferTo(output);
    int exit = process.waitFor();
    long cpu = os.getProcessCpuTime() - cpuBefore;
    String text = output.toString(StandardCharsets.UTF_8);
    Matcher m = RESULT.matcher(text);
    if (exit != 0 || !m.find()) {
      throw new IllegalStateException("wrk failed (exit " + exit + "): " + String.join(" ", command) + "\n" + text);
    }
    Map<String, String> f = new LinkedHashMap<>();
    for (String kv : m.group(1).trim().split(" ")) {
      String[] p = kv.split("=", 2);
      f.put(p[0], p[1]);
    }
    long errors = Long.parseLong(f.get("connect")) + Long.parseLong(f.get("read")) + Long.parseLong(f.get("write"))
        + Long.parseLong(f.get("status")) + Long.parseLong(f.get("timeout"));
    return new Sample(Long.parseLong(f.get("requests")), Long.parseLong(f.get("duration_us")), errors,
        Long.parseLong(f.get("p50_us")), Long.parseLong(f.get("p99_us")), cpu);
  }

  private static String status(FilterHolder holder) {
    Object status = holder.getServletHandler().getServletContext()
        .getAttribute(AnonymousAuthFilter.STATUS_ATTRIBUTE_PREFIX + holder.getName());
    return status instanceof FilterStatus s ? s.decisions().toString() : "(no status published)";
  }

  static String markdown(List<Case> cases, Map<String, List<Sample>> samples, int rounds, int seconds, int warmup,
      int connections, int threads, Payloads payload, String decisions, Map<String, IntakeServlet> servlets) {
    StringBuilder md = new StringBuilder();
    md.append("### Load: embedded Jetty 12.1, intake servlet (reads body, 202), wrk in its own process\n\n");
    md.append(String.format(Locale.ROOT,
        "wrk -t%d -c%d, %d rounds × %d s per case in rotating order after a %d s warm-up per case; POST %s, "
            + "gzip RUM v3 body (%d B, %d B decoded), `X-Forwarded-For` rotating over %d client addresses. "
            + "Throughput and server CPU: total over the rounds; p50/p99: median over rounds; "
            + "ratios: median over rounds of (case / pass-through in the same round).\n\n",
        threads, connections, rounds, seconds, warmup, payload.path(), payload.gzip().length,
        payload.plain().length, FilterSetup.CLIENTS));
    md.append("| case | req/s | range over rounds | vs (2) | p50 ms | p99 ms | server CPU µs/req | CPU vs (2) | errors |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    List<Sample> base = samples.get("pass");
    for (Case c : cases) {
      List<Sample> s = samples.get(c.id());
      long requests = s.stream().mapToLong(Sample::requests).sum();
      long duration = s.stream().mapToLong(Sample::durationUs).sum();
      long cpu = s.stream().mapToLong(Sample::serverCpuNs).sum();
      double[] ratios = new double[s.size()];
      double[] cpuRatios = new double[s.size()];
      for (int i = 0; i < s.size(); i++) {
        ratios[i] = s.get(i).throughput() / base.get(i).throughput();
        cpuRatios[i] = s.get(i).cpuUsPerRequest() / base.get(i).cpuUsPerRequest();
      }
      md.append(String.format(Locale.ROOT, "| %s | %,.0f | %,.0f – %,.0f | %.1f %% | %.2f | %.2f | %.1f | %.2f× | %d |\n",
          c.title(),
          requests * 1e6 / duration,
          s.stream().mapToDouble(Sample::throughput).min().orElse(0),
          s.stream().mapToDouble(Sample::throughput).max().orElse(0),
          100 * median(ratios),
          median(s.stream().mapToDouble(Sample::p50Us).toArray()) / 1000,
          median(s.stream().mapToDouble(Sample::p99Us).toArray()) / 1000,
          cpu / 1e3 / requests,
          median(cpuRatios),
          s.stream().mapToLong(Sample::errors).sum()));
    }
    if (samples.containsKey("pass-decode") && samples.containsKey("anonymous-decode")) {
      List<Sample> pd = samples.get("pass-decode");
      List<Sample> ad = samples.get("anonymous-decode");
      double[] r = new double[pd.size()];
      double[] rc = new double[pd.size()];
      for (int i = 0; i < r.length; i++) {
        r[i] = ad.get(i).throughput() / pd.get(i).throughput();
        rc[i] = pd.get(i).cpuUsPerRequest() / ad.get(i).cpuUsPerRequest();
      }
      md.append(String.format(Locale.ROOT, "\nWith a servlet that decodes the body (2d, 3d), the anonymous path "
          + "reaches **%.1f %%** of the pass-through's throughput (%.1f %% by server CPU).\n", 100 * median(r), 100 * median(rc)));
    }
    md.append("\nAnonymousAuthFilter's own decision counters after the run (warm-up and checks included): `")
        .append(decisions).append("`\n");
    return md.toString();
  }

  /** Per case: median ratio to (2) over the rounds, and total throughput; for the targets table. */
  static String figures(List<Case> cases, Map<String, List<Sample>> samples) {
    StringBuilder p = new StringBuilder();
    List<Sample> base = samples.get("pass");
    for (Case c : cases) {
      List<Sample> s = samples.get(c.id());
      double[] ratios = new double[s.size()];
      double[] cpu = new double[s.size()];
      long requests = s.stream().mapToLong(Sample::requests).sum();
      long duration = s.stream().mapToLong(Sample::durationUs).sum();
      List<Sample> baseline = c.id().endsWith("-decode") ? samples.get("pass-decode") : base;
      for (int i = 0; i < s.size(); i++) {
        ratios[i] = s.get(i).throughput() / baseline.get(i).throughput();
        cpu[i] = s.get(i).cpuUsPerRequest() / baseline.get(i).cpuUsPerRequest();
      }
      p.append(String.format(Locale.ROOT, "%s.ratio=%.4f%n%s.cpuRatio=%.4f%n%s.throughput=%.1f%n%s.errors=%d%n",
          c.id(), median(ratios), c.id(), median(cpu), c.id(), requests * 1e6 / duration,
          c.id(), s.stream().mapToLong(Sample::errors).sum()));
    }
    return p.toString();
  }

  static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    int n = v.length;
    return n == 0 ? Double.NaN : n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("usage: --name value ...; got " + String.join(" ", args));
      }
      options.put(args[i].substring(2), args[++i]);
    }
    return options;
  }

  private static void log(String format, Object... args) {
    System.err.printf(Locale.ROOT, "[load] " + format + "%n", args);
  }
}
