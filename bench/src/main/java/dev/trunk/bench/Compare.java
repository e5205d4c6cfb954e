package dev.trunk.bench;

import dev.trunk.BidiStreamingCall;
import dev.trunk.CallOptions;
import dev.trunk.Channel;
import io.grpc.benchmarks.proto.Messages.SimpleRequest;
import io.grpc.benchmarks.proto.Messages.SimpleResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * {@code compare}: Trunk against grpc-java 1.79.0 in one run, same JDK and JVM flags, the server
 * pinned to one core and every load generator to another. See docs/performance.md.
 *
 * <pre>
 * java -jar trunk-bench.jar compare [--quick] [--out=bench/target/compare]
 *     [--peer-lib=bench-peer/target/lib] [--server-cpu=0] [--client-cpu=1]
 *     [--servers=trunk,trunk-eventloop,grpc-java,grpc-java-direct] [--warmup=S] [--duration=S]
 *     (more servers: trunk-telemetry-1, trunk-telemetry-0.01, grpc-java-telemetry-1,
 *     grpc-java-telemetry-0.01)
 *     [--open-loop-rate=1000] [--pin=true]
 *     [--skip=server-streaming,open-loop,h2load,memory,clients]
 * </pre>
 *
 * <p>Four servers: Trunk with handlers on virtual threads (its default) and with UnaryCall on the
 * event loop ({@code nonBlockingService}), grpc-java's benchmark server with its default executor
 * and with {@code directExecutor}. Four more can be asked for by name: Trunk's and grpc-java's
 * default servers with their own metrics and tracing on ({@code trunk-telemetry-1} samples every
 * call, {@code trunk-telemetry-0.01} one in a hundred; {@code grpc-java-telemetry-1} and {@code
 * grpc-java-telemetry-0.01} likewise), each compared with its server with them off. Server
 * comparisons use one load generator for every server (grpc-java's AsyncClient, h2load, or the
 * Trunk client where AsyncClient has no such mode); the client comparison runs the Trunk client and
 * AsyncClient against the same server.
 */
final class Compare {
  /** What a telemetry server's name has between its base server's and its sampling ratio. */
  static final String TELEMETRY = "-telemetry-";

  /** JVM flags of every JVM the comparison starts, servers and clients alike. */
  static final List<String> JVM_FLAGS =
      List.of(
          "-Xms1g",
          "-Xmx1g",
          "-XX:+UseG1GC",
          "--enable-native-access=ALL-UNNAMED",
          "--sun-misc-unsafe-memory-access=allow");

  private static final String ASYNC_CLIENT = "io.grpc.benchmarks.qps.AsyncClient";
  private static final String PEER_SERVER = "dev.trunk.benchpeer.GrpcJavaBenchServer";

  /** Unary calls sent to each fresh server before the first measurement (see warmUp). */
  private static final int WARM_UP_CALLS = 400_000;

  private static final int WARM_UP_CALLS_QUICK = 150_000;

  /** A server under test: its name, which implementation, which variant, and how to start it. */
  record ServerKind(String name, String impl, String variant, List<String> command) {}

  private final boolean quick;
  private final Path out;
  private final Path peerLib;
  private final Path benchJar;
  private final String java;
  private final @Nullable String serverCpu;
  private final @Nullable String clientCpu;
  private final List<String> serverNames;
  private final List<String> skip;
  private final int warmup;
  private final int duration;
  private final double openLoopRate;
  private final PrintStream console = System.out;
  private final List<ResultRow> rows = new ArrayList<>();
  private final List<Process> children = new ArrayList<>();
  private final Path results;

  private boolean h2loadAvailable;

  private Compare(Flags flags) throws IOException {
    this.quick = flags.bool("quick", false);
    this.out = Path.of(flags.string("out", "bench/target/compare"));
    this.peerLib = Path.of(flags.string("peer-lib", "bench-peer/target/lib"));
    this.benchJar = Path.of(flags.string("bench-jar", ownJar()));
    this.java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    int cores = machineCores();
    String server = flags.string("server-cpu", "0");
    String client = flags.string("client-cpu", "1");
    boolean pin = flags.bool("pin", true);
    this.serverCpu = pin ? server : null;
    this.clientCpu = pin ? client : null;
    this.serverNames =
        List.of(
            flags.string("servers", "trunk,trunk-eventloop,grpc-java,grpc-java-direct").split(","));
    this.skip = List.of(flags.string("skip", "").split(","));
    this.warmup = flags.integer("warmup", quick ? 1 : 5);
    this.duration = flags.integer("duration", quick ? 2 : 10);
    this.openLoopRate = flags.decimal("open-loop-rate", 1000);
    flags.rejectUnknown();
    if (!Files.isDirectory(peerLib)) {
      throw new IllegalArgumentException(
          peerLib
              + " is missing: build grpc-java's side first"
              + " (./mvnw -B -f bench-peer/pom.xml install)");
    }
    Files.createDirectories(out);
    this.results = out.resolve("results.tsv");
    Files.deleteIfExists(results);
    if (pin && cores < 2) {
      console.println("note: fewer than 2 cores; server and load share them");
    }
  }

  static void run(List<String> args) throws Exception {
    Compare compare = new Compare(Flags.parse(args));
    Thread cleanup = new Thread(compare::killChildren, "compare-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
    try {
      compare.runAll();
    } finally {
      compare.killChildren();
    }
  }

  private void runAll() throws Exception {
    long started = System.nanoTime();
    h2loadAvailable = commandExists("h2load");
    header();
    for (ServerKind server : servers()) {
      if (serverNames.contains(server.name())) {
        runServer(server);
      }
    }
    List<String> ratios = Report.ratios(rows);
    console.println();
    ratios.forEach(console::println);
    Files.write(out.resolve("ratios.txt"), ratios, StandardCharsets.UTF_8);
    Files.writeString(out.resolve("summary.md"), Report.markdown(rows), StandardCharsets.UTF_8);
    Report.plots(rows, out);
    console.printf(
        Locale.ROOT,
        "%ndone in %.0f s; results in %s (results.tsv, ratios.txt, summary.md, *.png)%n",
        (System.nanoTime() - started) / 1e9,
        out);
  }

  private void header() throws IOException {
    String cpu = "unknown";
    for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
      if (line.startsWith("model name")) {
        cpu = line.substring(line.indexOf(':') + 1).trim();
        break;
      }
    }
    console.printf(
        Locale.ROOT,
        "compare: %s, %d cores (%s), java %s, server on cpu %s, load on cpu %s, %ds warmup + %ds"
            + " per run, load average %s%n",
        Instant.now(),
        machineCores(),
        cpu,
        System.getProperty("java.version"),
        serverCpu,
        clientCpu,
        warmup,
        duration,
        Files.readString(Path.of("/proc/loadavg")).trim());
    console.println("jvm flags: " + String.join(" ", JVM_FLAGS));
    if (!h2loadAvailable) {
      console.println("note: h2load not found; its raw check is skipped");
    }
  }

  private List<ServerKind> servers() {
    List<String> trunk = new ArrayList<>(javaCommand());
    trunk.addAll(List.of("-jar", benchJar.toString(), "server", "--port=0", "--stdin-watch"));
    List<String> grpc = new ArrayList<>(javaCommand());
    grpc.addAll(List.of("-cp", peerLib.resolve("*").toString(), PEER_SERVER, "--port=0"));
    return List.of(
        new ServerKind("trunk", "trunk", "default", plus(trunk, "--executor=virtual")),
        new ServerKind("trunk-eventloop", "trunk", "tuned", plus(trunk, "--executor=eventloop")),
        telemetry("trunk", plus(trunk, "--executor=virtual"), "1"),
        telemetry("trunk", plus(trunk, "--executor=virtual"), "0.01"),
        new ServerKind("grpc-java", "grpc-java", "default", grpc),
        new ServerKind(
            "grpc-java-direct", "grpc-java", "tuned", plus(grpc, "--directexecutor=true")),
        telemetry("grpc-java", grpc, "1"),
        telemetry("grpc-java", grpc, "0.01"));
  }

  /**
   * Server {@code impl}'s default ({@code command}) with its metrics and tracing on, spans sampled
   * at {@code ratio}: Trunk's {@code TrunkTelemetry.server()}, or grpc-java's own OpenTelemetry
   * plugin. Named {@code <impl>-telemetry-<ratio>}, and compared with {@code impl}'s default.
   */
  private static ServerKind telemetry(String impl, List<String> command, String ratio) {
    return new ServerKind(
        impl + TELEMETRY + ratio,
        impl,
        "telemetry",
        plus(command, "--telemetry=on", "--sampling=" + ratio));
  }

  // ---- one server, every scenario ---------------------------------------------------------

  private void runServer(ServerKind server) throws Exception {
    console.printf("%n== %s (%s %s)%n", server.name(), server.impl(), server.variant());
    Process process = start(pinned(serverCpu, server.command()), "server-" + server.name());
    int port = awaitListening(process, server.name());
    long pid = process.pid();
    try (JvmProbe probe = JvmProbe.attach(pid)) {
      warmUp(port);
      int[] sizes = {0, 100, 1024, 10 * 1024};
      for (int size : sizes) {
        asyncClient(server, pid, port, "unary-latency", 1, 1, size, false);
      }
      asyncClient(server, pid, port, "streaming-latency", 1, 1, 100, false, true);
      int[][] sweep =
          quick
              ? new int[][] {{1, 16}, {1, 256}, {1, 1000}, {50, 1}, {50, 20}}
              : new int[][] {{1, 16}, {1, 256}, {1, 1000}, {50, 1}, {50, 5}, {50, 20}};
      for (int[] point : sweep) {
        asyncClient(server, pid, port, "unary-throughput", point[0], point[1], 100, false);
      }
      asyncClient(server, pid, port, "unary-1MB", 1, 1, 1024 * 1024, false);
      if (!skip.contains("server-streaming")) {
        trunkClient(
            server, pid, port, "server-streaming", "server-streaming", 1, 1, 0, 100, "load=trunk");
      }
      // Open loop shows the Trunk client's coordinated-omission-free mode; in --quick only
      // against the default variants.
      if (!skip.contains("open-loop") && (!quick || server.variant().equals("default"))) {
        trunkClient(
            server, pid, port, "open-loop-unary", "unary", 1, 1, openLoopRate, 100, "load=trunk");
      }
      if (h2loadAvailable && !skip.contains("h2load")) {
        h2load(server, probe, port);
      }
      if (!skip.contains("memory")) {
        idleMemory(server, probe, port);
      }
      if (server.name().equals("grpc-java-direct") && !skip.contains("clients")) {
        clientComparison(pid, port);
      }
    } finally {
      stop(process);
    }
  }

  private void asyncClient(
      ServerKind server,
      long pid,
      int port,
      String scenario,
      int channels,
      int outstanding,
      int payload,
      boolean defaultClient)
      throws Exception {
    asyncClient(server, pid, port, scenario, channels, outstanding, payload, defaultClient, false);
  }

  /** One run of grpc-java's AsyncClient against {@code server}; records its numbers. */
  private ResultRow asyncClient(
      ServerKind server,
      long pid,
      int port,
      String scenario,
      int channels,
      int outstanding,
      int payload,
      boolean defaultClient,
      boolean streaming)
      throws Exception {
    List<String> command = new ArrayList<>(javaCommand());
    command.addAll(
        List.of(
            "-cp",
            peerLib.resolve("*").toString(),
            ASYNC_CLIENT,
            "--address=127.0.0.1:" + port,
            "--channels=" + channels,
            "--outstanding_rpcs=" + outstanding,
            "--client_payload=" + payload,
            "--server_payload=" + payload,
            "--warmup_duration=" + warmup,
            "--duration=" + duration));
    if (!defaultClient) {
      command.add("--directexecutor=true");
    }
    if (streaming) {
      command.add("--streaming_rpcs=true");
    }
    double cpu0 = JvmProbe.cpuSeconds(pid);
    long t0 = System.nanoTime();
    String output = runToEnd(pinned(clientCpu, command), warmup + duration + 60);
    double wall = (System.nanoTime() - t0) / 1e9;
    double cpu = JvmProbe.cpuSeconds(pid) - cpu0;
    ResultRow row =
        base(server, scenario, defaultClient ? "grpc-java-async-default" : "grpc-java-async")
            .put("channels", channels)
            .put("outstanding", outstanding)
            .put("in_flight", channels * outstanding)
            .put("payload", payload);
    parseAsyncClient(output, row);
    row.put("server_cpu_util", cpu / wall);
    return record(row);
  }

  /** Reads the summary AsyncClient prints (latencies in microseconds, and QPS). */
  static void parseAsyncClient(String output, ResultRow row) {
    Map<String, String> keys = new LinkedHashMap<>();
    keys.put("50%ile Latency", "p50_us");
    keys.put("90%ile Latency", "p90_us");
    keys.put("99%ile Latency", "p99_us");
    keys.put("99.9%ile Latency", "p999_us");
    keys.put("Maximum Latency", "max_us");
    keys.put("QPS", "qps");
    for (String line : output.split("\n")) {
      for (Map.Entry<String, String> key : keys.entrySet()) {
        if (line.startsWith(key.getKey())) {
          String value = line.substring(line.lastIndexOf(':') + 1).trim();
          row.put(key.getValue(), Double.parseDouble(value));
        }
      }
    }
    if (Double.isNaN(row.number("qps"))) {
      throw new IllegalStateException("AsyncClient printed no result:\n" + output);
    }
  }

  /** One run of the Trunk load client (a child JVM on the load core). */
  private ResultRow trunkClient(
      ServerKind server,
      long pid,
      int port,
      String scenario,
      String mode,
      int channels,
      int outstanding,
      double rate,
      int payload,
      String note)
      throws Exception {
    Path file = out.resolve("client-" + server.name() + "-" + scenario + ".json");
    List<String> command = new ArrayList<>(javaCommand());
    command.addAll(
        List.of(
            "-jar",
            benchJar.toString(),
            "client",
            "--address=127.0.0.1:" + port,
            "--mode=" + mode,
            "--channels=" + channels,
            "--outstanding=" + outstanding,
            "--payload=" + payload,
            "--warmup=" + warmup,
            "--duration=" + duration,
            "--progress=false",
            "--label=" + scenario,
            "--out=" + file));
    if (rate > 0) {
      command.add("--rate=" + ResultRow.format(rate));
    }
    double cpu0 = JvmProbe.cpuSeconds(pid);
    long t0 = System.nanoTime();
    runToEnd(pinned(clientCpu, command), warmup + duration + 60);
    double wall = (System.nanoTime() - t0) / 1e9;
    double cpu = JvmProbe.cpuSeconds(pid) - cpu0;
    ResultRow client = ResultRow.fromJson(Files.readString(file));
    ResultRow row =
        base(server, scenario, "trunk")
            .put("channels", channels)
            .put("outstanding", outstanding)
            .put("in_flight", channels * outstanding)
            .put("payload", payload)
            .put("rate", rate);
    for (String key : List.of("p50_us", "p90_us", "p99_us", "p999_us", "max_us", "qps")) {
      row.put(key, client.number(key));
    }
    row.put("errors", client.number("errors")).put("server_cpu_util", cpu / wall);
    if (scenario.equals("server-streaming")) {
      // The load generator may be the bottleneck, so also the server's CPU per message: its CPU
      // time over the client's run over the messages sent in warm-up and measurement, at the
      // measured rate.
      double messages = client.number("qps") * (warmup + duration);
      row.put("server_cpu_ns_per_msg", messages > 0 ? cpu * 1e9 / messages : 0);
    }
    row.put("note", note);
    return record(row);
  }

  /**
   * h2load, a C client, sends a fixed number of identical unary calls (100 B each way); the
   * server's CPU time and allocated bytes over exactly that many calls give the per-call costs.
   */
  private void h2load(ServerKind server, JvmProbe probe, int port) throws Exception {
    int calls = quick ? 20_000 : 100_000;
    for (int concurrency : quick ? new int[] {16} : new int[] {1, 16}) {
      List<String> command = h2loadCommand(port, calls, concurrency);
      runToEnd(pinned(clientCpu, h2loadCommand(port, calls / 4, concurrency)), 60); // warm up
      double cpu0 = probe.cpuSeconds();
      long alloc0 = probe.allocatedBytes();
      long writes0 = probe.writeSyscalls();
      String output = runToEnd(pinned(clientCpu, command), 120);
      long writes = probe.writeSyscalls() - writes0;
      long alloc = probe.allocatedBytes() - alloc0;
      double cpu = probe.cpuSeconds() - cpu0;
      ResultRow row =
          base(server, "h2load-unary", "h2load")
              .put("channels", 1)
              .put("outstanding", concurrency)
              .put("in_flight", concurrency)
              .put("payload", 100);
      parseH2load(output, row);
      double done = row.number("calls");
      row.put("cpu_us_per_call", cpu * 1e6 / done);
      row.put("alloc_bytes_per_call", alloc / done);
      row.put("write_syscalls_per_call", writes / done);
      record(row);
    }
  }

  private List<String> h2loadCommand(int port, int calls, int concurrency) throws Exception {
    Path body = out.resolve("h2load-request-100.bin");
    if (!Files.exists(body)) {
      byte[] message = BenchService.makeRequest(100, 100).toByteArray();
      ByteBuffer framed = ByteBuffer.allocate(5 + message.length);
      framed.put((byte) 0).putInt(message.length).put(message);
      Files.write(body, framed.array());
    }
    return List.of(
        "h2load",
        "-n",
        Integer.toString(calls),
        "-c",
        "1",
        "-m",
        Integer.toString(concurrency),
        "-t",
        "1",
        "-d",
        body.toString(),
        "-H",
        "content-type: application/grpc",
        "-H",
        "te: trailers",
        "http://127.0.0.1:" + port + "/" + BenchService.SERVICE + "/UnaryCall");
  }

  /**
   * Warms a fresh server up before anything is measured: on one core the JIT compilers compete with
   * the server, and both servers reached their steady cost per call only after about 300,000 unary
   * calls (measured with h2load: the first 100,000 cost 2-3x more CPU per call than the later
   * ones). Without this, the first scenarios measure compilation, not the server.
   */
  private void warmUp(int port) throws Exception {
    if (!h2loadAvailable) {
      return;
    }
    int calls = quick ? WARM_UP_CALLS_QUICK : WARM_UP_CALLS;
    console.printf("warm-up: %,d unary calls (h2load, 16 in flight)%n", calls);
    runToEnd(pinned(clientCpu, h2loadCommand(port, calls, 16)), 300);
  }

  private static final Pattern H2_FINISHED =
      Pattern.compile("finished in ([0-9.]+)(m?s), ([0-9.]+) req/s");
  private static final Pattern H2_REQUESTS =
      Pattern.compile("requests: (\\d+) total, \\d+ started, \\d+ done, (\\d+) succeeded, (\\d+)");
  private static final Pattern H2_TIME =
      Pattern.compile(
          "time for request:\\s+([0-9.]+)(us|ms|s)\\s+([0-9.]+)(us|ms|s)\\s+([0-9.]+)"
              + "(us|ms|s)");

  static void parseH2load(String output, ResultRow row) {
    Matcher finished = H2_FINISHED.matcher(output);
    Matcher requests = H2_REQUESTS.matcher(output);
    if (!finished.find() || !requests.find()) {
      throw new IllegalStateException("h2load printed no result:\n" + output);
    }
    row.put("qps", Double.parseDouble(finished.group(3)));
    row.put("calls", Double.parseDouble(requests.group(2)));
    row.put("errors", Double.parseDouble(requests.group(3)));
    Matcher time = H2_TIME.matcher(output);
    if (time.find()) {
      row.put("mean_us", toMicros(time.group(5), time.group(6)));
      row.put("max_us", toMicros(time.group(3), time.group(4)));
    }
  }

  private static double toMicros(String value, String unit) {
    double v = Double.parseDouble(value);
    return switch (unit) {
      case "s" -> v * 1e6;
      case "ms" -> v * 1e3;
      default -> v;
    };
  }

  /**
   * Memory per idle connection and per idle stream, on the server: heap after a full GC and
   * resident memory, before and after opening them (from this JVM, with Trunk's client, so every
   * server sees the same client).
   */
  private void idleMemory(ServerKind server, JvmProbe probe, int port) throws Exception {
    int connections = quick ? 200 : 1000;
    int streams = quick ? 1000 : 5000;
    SimpleRequest ping = BenchService.makeRequest(0, 0);

    long heap0 = probe.heapUsedAfterGc();
    long rss0 = probe.rssBytes();
    List<Channel> channels = new ArrayList<>();
    try {
      for (int i = 0; i < connections; i++) {
        Channel channel = Channel.forAddress("127.0.0.1", port).build();
        channels.add(channel);
        channel.unaryCall(BenchService.UNARY_CALL, ping, CallOptions.DEFAULT);
      }
      Thread.sleep(100);
      long heap1 = probe.heapUsedAfterGc();
      long rss1 = probe.rssBytes();
      record(
          base(server, "idle-connections", "trunk")
              .put("in_flight", connections)
              .put("heap_bytes_per_item", (heap1 - heap0) / (double) connections)
              .put("rss_bytes_per_item", (rss1 - rss0) / (double) connections));
    } finally {
      channels.forEach(Channel::shutdownNow);
    }
    Thread.sleep(200);

    heap0 = probe.heapUsedAfterGc();
    rss0 = probe.rssBytes();
    List<BidiStreamingCall<SimpleRequest, SimpleResponse>> calls = new ArrayList<>();
    try (Channel channel = Channel.forAddress("127.0.0.1", port).build()) {
      channel.unaryCall(BenchService.UNARY_CALL, ping, CallOptions.DEFAULT);
      long heapConnected = probe.heapUsedAfterGc();
      long rssConnected = probe.rssBytes();
      for (int i = 0; i < streams; i++) {
        BidiStreamingCall<SimpleRequest, SimpleResponse> call =
            channel.bidiStreamingCall(BenchService.STREAMING_CALL, CallOptions.DEFAULT);
        calls.add(call);
        call.send(ping);
        if (call.receive() == null) {
          throw new IllegalStateException("StreamingCall ended early");
        }
      }
      Thread.sleep(100);
      long heap1 = probe.heapUsedAfterGc();
      long rss1 = probe.rssBytes();
      record(
          base(server, "idle-streams", "trunk")
              .put("in_flight", streams)
              .put("heap_bytes_per_item", (heap1 - heapConnected) / (double) streams)
              .put("rss_bytes_per_item", (rss1 - rssConnected) / (double) streams)
              .put("note", "heap before connecting " + heap0 + ", rss " + rss0));
      calls.forEach(BidiStreamingCall::cancel);
    }
  }

  // ---- client comparison ------------------------------------------------------------------

  /**
   * The Trunk client and AsyncClient (direct executor; also its defaults without --quick) against
   * the same server, grpc-java-direct, already running.
   */
  private void clientComparison(long pid, int port) throws Exception {
    ServerKind target = new ServerKind("grpc-java-direct", "client-comparison", "tuned", List.of());
    console.printf("%n== clients against grpc-java-direct%n");
    int[][] points = {{1, 1}, {1, 256}};
    for (int[] p : points) {
      String scenario = p[1] == 1 ? "client-unary-latency" : "client-unary-throughput";
      trunkClient(target, pid, port, scenario, "unary", p[0], p[1], 0, 100, "");
      asyncClient(target, pid, port, scenario, p[0], p[1], 100, false, false);
      if (!quick) {
        asyncClient(target, pid, port, scenario, p[0], p[1], 100, true, false);
      }
    }
    if (!quick) {
      trunkClient(target, pid, port, "client-streaming-latency", "streaming", 1, 1, 0, 100, "");
      asyncClient(target, pid, port, "client-streaming-latency", 1, 1, 100, false, true);
    }
  }

  // ---- bookkeeping ------------------------------------------------------------------------

  private ResultRow base(ServerKind server, String scenario, String load) {
    return new ResultRow()
        .put("server", server.name())
        .put("impl", server.impl())
        .put("variant", server.variant())
        .put("scenario", scenario)
        .put("load", load);
  }

  private ResultRow record(ResultRow row) throws IOException {
    rows.add(row);
    row.appendTsv(results);
    console.println("  " + Report.describe(row));
    return row;
  }

  private List<String> javaCommand() {
    List<String> command = new ArrayList<>();
    command.add(java);
    command.addAll(JVM_FLAGS);
    return command;
  }

  private static List<String> plus(List<String> command, String... args) {
    List<String> copy = new ArrayList<>(command);
    copy.addAll(List.of(args));
    return copy;
  }

  private static List<String> pinned(@Nullable String cpu, List<String> command) {
    if (cpu == null) {
      return command;
    }
    List<String> pinned = new ArrayList<>(List.of("taskset", "-c", cpu));
    pinned.addAll(command);
    return pinned;
  }

  private Process start(List<String> command, String name) throws IOException {
    Path log = out.resolve(name + ".log");
    Process process =
        new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.to(log.toFile()))
            .redirectInput(ProcessBuilder.Redirect.PIPE)
            .start();
    synchronized (children) {
      children.add(process);
    }
    return process;
  }

  private static int awaitListening(Process process, String name) throws IOException {
    BufferedReader reader =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    String line;
    while (System.nanoTime() < deadline && (line = reader.readLine()) != null) {
      if (line.startsWith("LISTENING ")) {
        Thread drain =
            new Thread(
                () -> {
                  try {
                    while (reader.readLine() != null) {
                      // Discard whatever the server prints later.
                    }
                  } catch (IOException e) {
                    // The server is gone.
                  }
                },
                "drain-" + name);
        drain.setDaemon(true);
        drain.start();
        return Integer.parseInt(line.split(" ")[1]);
      }
    }
    process.destroyForcibly();
    throw new IOException(name + " did not start; see its log in the output directory");
  }

  /** Runs a bounded command to its end and returns what it printed (stdout and stderr). */
  private String runToEnd(List<String> command, long timeoutSeconds) throws Exception {
    Path log = Files.createTempFile(out, "run-", ".log");
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.PIPE)
            .start();
    synchronized (children) {
      children.add(process);
    }
    try {
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new IllegalStateException("timed out after " + timeoutSeconds + " s: " + command);
      }
      String output = Files.readString(log);
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            "exit " + process.exitValue() + " from " + command + ":\n" + output);
      }
      return output;
    } finally {
      synchronized (children) {
        children.remove(process);
      }
      Files.deleteIfExists(log);
    }
  }

  private void stop(Process process) throws InterruptedException {
    try {
      process.getOutputStream().close(); // --stdin-watch: the server stops itself
    } catch (IOException e) {
      // Already gone.
    }
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroy();
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    }
    synchronized (children) {
      children.remove(process);
    }
  }

  private void killChildren() {
    List<Process> left;
    synchronized (children) {
      left = new ArrayList<>(children);
      children.clear();
    }
    for (Process process : left) {
      process.destroyForcibly();
    }
  }

  /** Cores of the machine (this JVM itself may be pinned to one, so not availableProcessors). */
  static int machineCores() {
    try {
      return (int)
          Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
              .filter(line -> line.startsWith("processor"))
              .count();
    } catch (IOException e) {
      return Runtime.getRuntime().availableProcessors();
    }
  }

  private static boolean commandExists(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
        return true;
      }
    }
    return false;
  }

  private static String ownJar() {
    try {
      Path location =
          Path.of(Compare.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return location.toString();
    } catch (java.net.URISyntaxException e) {
      return "bench/target/trunk-bench.jar";
    }
  }
}
