package dev.trunk.cli.bench;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.TypeRegistry;
import dev.trunk.Channel;
import dev.trunk.StatusException;
import dev.trunk.cli.CliException;
import dev.trunk.cli.ConnectionOptions;
import dev.trunk.cli.DebugOption;
import dev.trunk.cli.DurationConverter;
import dev.trunk.cli.DynamicMethod;
import dev.trunk.cli.ExitCode;
import dev.trunk.cli.Json;
import dev.trunk.cli.RequestInput;
import dev.trunk.cli.Schema;
import dev.trunk.cli.SchemaOptions;
import dev.trunk.cli.StatusReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code trunk bench [flags] TARGET SERVICE/METHOD}: load-tests any method of any server, closed
 * loop or open loop, and reports latency percentiles, a histogram and the status codes; {@code
 * --fail-if} thresholds make it a CI gate (exit code {@link #THRESHOLDS_FAILED}).
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Load-tests a method: closed loop (--concurrency over --connections) or open loop (--rps),"
          + " for --duration, --total calls or --stage ramps; prints latency percentiles, a"
          + " histogram and the status codes.",
      "Requests as for call: -d '{json}', -d @file or -d @- (standard input), one message per"
          + " line for client and bidi streaming; parsed once and sent by every call. Without -d"
          + " each call sends the empty message."
    })
public final class BenchCommand implements Callable<Integer> {
  /** The exit code when a {@code --fail-if} threshold holds: k6's for failed thresholds. */
  public static final int THRESHOLDS_FAILED = 99;

  /** Calls in flight when neither --concurrency nor --rps is given: ghz's and hey's default. */
  static final int DEFAULT_CONCURRENCY = 50;

  /** How long a run lasts when neither --duration, --total nor --stage is given. */
  static final Duration DEFAULT_DURATION = Duration.ofSeconds(10);

  /** The system property the launcher sets when standard error is a terminal. */
  static final String TERMINAL_PROPERTY = "trunk.stderr.terminal";

  /** The request when no -d is given: the empty message. */
  private static final String EMPTY = RequestInput.EMPTY_MESSAGE;

  @Mixin ConnectionOptions connection;
  @Mixin SchemaOptions schemaOptions;
  @Mixin DebugOption debug;

  @Option(
      names = {"-d", "--data"},
      paramLabel = "JSON|@FILE|@-",
      description = "The request(s): JSON text, @file, or @- for standard input (default {}).")
  @Nullable String data;

  @Option(
      names = {"-c", "--concurrency"},
      paramLabel = "N",
      description = "Closed loop: calls in flight at once (default 50).")
  @Nullable Integer concurrency;

  @Option(
      names = "--connections",
      paramLabel = "M",
      description = "Connections the calls are spread over (default 1).")
  int connections = 1;

  @Option(
      names = "--rps",
      paramLabel = "R",
      description = "Open loop: start R calls per second; latency counts from the intended start.")
  @Nullable Double rps;

  @Option(
      names = {"-z", "--duration"},
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "How long to run (default 10s unless --total or --stage is given).")
  @Nullable Duration duration;

  @Option(
      names = {"-n", "--total"},
      paramLabel = "N",
      description = "How many calls to make (with --duration: whichever ends first).")
  @Nullable Long total;

  @Option(
      names = "--warmup",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Run this long first, unmeasured.")
  @Nullable Duration warmup;

  @Option(
      names = "--stage",
      paramLabel = "DURATION:TARGET",
      description =
          "A ramp stage, repeatable: 30s:100rps (open loop) or 30s:50 (concurrency); the target"
              + " moves linearly from the previous stage's.")
  List<String> stages = new ArrayList<>();

  @Option(names = "--progress", description = "Print the progress line even when not a terminal.")
  boolean progress;

  @Option(
      names = "--report",
      paramLabel = "FILE",
      description = "Also write the report to FILE.json or FILE.csv.")
  @Nullable Path report;

  @Option(
      names = "--fail-if",
      paramLabel = "CONDITION",
      description =
          "Exit with 99 if it holds, repeatable: p50..p99.9, mean, max (e.g. p99>500ms),"
              + " error_rate (error_rate>1%), rps (rps<1000).")
  List<String> failIf = new ArrayList<>();

  @Parameters(index = "0", paramLabel = "TARGET", description = "host:port of the server.")
  String target;

  @Parameters(index = "1", paramLabel = "SERVICE/METHOD", description = "e.g. pkg.Svc/Method.")
  String method;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    Plan plan = plan();
    List<Threshold> thresholds = parse(failIf, Threshold::parse);
    if (report != null) {
      ReportFile.check(report);
    }
    List<Channel> channels = new ArrayList<>();
    try {
      for (int i = 0; i < connections; i++) {
        // Completions run on the I/O thread: the engine's callbacks never block.
        channels.add(connection.open(target, builder -> builder.callbackExecutor(Runnable::run)));
      }
      return run(channels, plan, thresholds);
    } finally {
      channels.forEach(Channel::shutdownNow);
    }
  }

  private int run(List<Channel> channels, Plan plan, List<Threshold> thresholds)
      throws InterruptedException {
    PrintWriter err = spec.commandLine().getErr();
    Caller caller;
    try {
      caller = caller(channels.get(0));
    } catch (StatusException e) {
      return StatusReport.print(err, e.status(), TypeRegistry.getEmptyTypeRegistry());
    }
    for (Channel channel : channels) {
      Connectivity.awaitReady(channel, target, connection.connectTimeout(), caller.method());
    }
    if (warmup != null) {
      plan.warmup(warmup).load(channels, caller, new Stats()).run();
    }
    Result result = measure(plan.load(channels, caller, new Stats()), err);
    Report summary = new Report(target, method, result, thresholds);
    summary.print(spec.commandLine().getOut());
    if (report != null) {
      ReportFile.write(summary, report);
    }
    return verdict(summary);
  }

  private Result measure(Load load, PrintWriter err) throws InterruptedException {
    boolean terminal = Boolean.getBoolean(TERMINAL_PROPERTY);
    if (!terminal && !progress) {
      return load.run();
    }
    Progress line = Progress.start(load.stats, err, terminal);
    try {
      return load.run();
    } finally {
      line.close();
    }
  }

  private static int verdict(Report summary) {
    List<Threshold> failed = summary.failedThresholds();
    if (failed.isEmpty()) {
      return ExitCode.OK;
    }
    throw new CliException(
        THRESHOLDS_FAILED,
        (failed.size() == 1 ? "threshold failed: " : failed.size() + " thresholds failed: ")
            + failed.stream()
                .map(t -> t.describe(summary.result))
                .collect(Collectors.joining("; ")));
  }

  private Caller caller(Channel channel) {
    Schema schema = schemaOptions.load(channel, connection);
    DynamicMethod resolved = schema.method(method);
    Json json = new Json(schema.typeRegistry());
    Descriptor input = resolved.proto().getInputType();
    List<DynamicMessage> requests = new ArrayList<>();
    // Without -d each call sends the empty message, as ghz does; -d @- reads standard input.
    try (RequestInput in = RequestInput.open(data == null ? EMPTY : data, System.in)) {
      if (resolved.type().clientSendsOne()) {
        requests.add(json.parse(in.whole(), input, in.name()));
      } else {
        for (String line = in.next(); line != null; line = in.next()) {
          requests.add(json.parse(line, input, in.where()));
        }
      }
    }
    if (requests.isEmpty()) {
      throw new CliException(ExitCode.USAGE, method + " streams requests: give at least one line");
    }
    try {
      return new Caller(resolved.rpc(), requests, connection.callOptions());
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCode.USAGE, e.getMessage(), e);
    }
  }

  private Plan plan() {
    List<Stage> ramp = parse(stages, Stage::parse);
    Plan plan = new Plan(concurrency, rps, ramp, duration, total);
    if (connections < 1) {
      throw new CliException(ExitCode.USAGE, "--connections must be at least 1");
    }
    plan.check();
    return plan;
  }

  /** Parses each of {@code texts}, turning a parse failure into a usage error. */
  private static <T> List<T> parse(List<String> texts, Function<String, T> f) {
    List<T> parsed = new ArrayList<>();
    for (String text : texts) {
      try {
        parsed.add(f.apply(text));
      } catch (IllegalArgumentException e) {
        throw new CliException(ExitCode.USAGE, e.getMessage(), e);
      }
    }
    return parsed;
  }
}
