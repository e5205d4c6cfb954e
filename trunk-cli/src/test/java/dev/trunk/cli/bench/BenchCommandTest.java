package dev.trunk.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.util.JsonFormat;
import dev.trunk.cli.ExitCode;
import dev.trunk.cli.Trunk;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code trunk bench} in-process against a Trunk server on 127.0.0.1: output and exit codes. */
class BenchCommandTest {
  private static final String UNARY = BenchServer.SERVICE + "/Unary";

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private BenchServer server;
  @TempDir Path dir;

  @AfterEach
  void close() {
    if (server != null) {
      server.close();
    }
  }

  private int bench(String... args) {
    CommandLine commandLine = Trunk.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    List<String> all = new ArrayList<>(List.of("bench", "--plaintext"));
    all.addAll(List.of(args));
    return commandLine.execute(all.toArray(String[]::new));
  }

  private static Path protoDir() throws URISyntaxException {
    return Path.of(BenchServer.class.getResource("/bench/bench_test.proto").toURI()).getParent();
  }

  @Test
  void aTotalRunMakesThatManyCallsAndPrintsTheReport() throws IOException {
    server = new BenchServer(0);
    int code = bench(server.target(), UNARY, "-d", "{\"text\":\"hi\"}", "-n", "200", "-c", "4");
    assertThat(code).as(err.toString()).isZero();
    assertThat(server.calls.get()).isEqualTo(200);
    assertThat(out.toString())
        .contains("calls 200 in", "200 ok, 0 failed")
        .contains("p50", "p99.9", "max", "mean", "histogram (ms):", "#")
        .containsPattern("OK +200");
  }

  @Test
  void theStatusCountsShowTheCallsTheServerFailed() throws IOException {
    server = new BenchServer(4);
    int code =
        bench(
            server.target(),
            UNARY,
            "-d",
            "{}",
            "-n",
            "100",
            "-c",
            "2",
            "--fail-if",
            "error_rate>1%");
    assertThat(code).isEqualTo(BenchCommand.THRESHOLDS_FAILED);
    assertThat(out.toString()).containsPattern("OK +75").containsPattern("RESOURCE_EXHAUSTED +25");
    assertThat(err.toString().strip())
        .isEqualTo("trunk: threshold failed: error_rate>1% (error_rate was 25.00%)");
  }

  @Test
  void thresholdsThatDoNotHoldExitZeroAndEveryFailedOneIsNamed() throws IOException {
    server = new BenchServer(0);
    assertThat(
            bench(
                server.target(),
                UNARY,
                "-n",
                "20",
                "--fail-if",
                "p99>1h",
                "--fail-if",
                "error_rate>0"))
        .isZero();
    assertThat(out.toString()).contains("threshold passed: p99>1h");
    int code =
        bench(
            server.target(),
            UNARY,
            "-n",
            "20",
            "--fail-if",
            "p50<1h",
            "--fail-if",
            "max<=1h",
            "--fail-if",
            "rps<1000000000");
    assertThat(code).isEqualTo(BenchCommand.THRESHOLDS_FAILED);
    assertThat(err.toString())
        .contains(
            "3 thresholds failed: p50<1h (p50 was ",
            "max<=1h (max was ",
            "rps<1000000000 (rps was ");
  }

  @Test
  void theJsonReportParsesAndHoldsTheCounts() throws Exception {
    server = new BenchServer(0);
    Path report = dir.resolve("run.json");
    assertThat(bench(server.target(), UNARY, "-n", "50", "--report", report.toString())).isZero();
    Struct.Builder json = Struct.newBuilder();
    JsonFormat.parser().merge(Files.readString(report, StandardCharsets.UTF_8), json);
    assertThat(json.getFieldsOrThrow("calls").getNumberValue()).isEqualTo(50);
    assertThat(json.getFieldsOrThrow("method").getStringValue()).isEqualTo(UNARY);
    Struct codes = json.getFieldsOrThrow("status_codes").getStructValue();
    assertThat(codes.getFieldsOrThrow("OK").getNumberValue()).isEqualTo(50);
    Struct latency = json.getFieldsOrThrow("latency_ms").getStructValue();
    assertThat(latency.getFieldsMap())
        .containsKeys("p50", "p75", "p90", "p95", "p99", "p99.9", "max", "mean");
    assertThat(latency.getFieldsOrThrow("max").getNumberValue()).isPositive();
    double bars = 0;
    for (var bar : json.getFieldsOrThrow("histogram_ms").getStructValue().getFieldsMap().values()) {
      bars += bar.getNumberValue();
    }
    assertThat(bars).isEqualTo(50);
  }

  @Test
  void theCsvReportHasOneRowPerFigure() throws Exception {
    server = new BenchServer(0);
    Path report = dir.resolve("run.csv");
    assertThat(bench(server.target(), UNARY, "-n", "30", "--report", report.toString())).isZero();
    List<String> rows = Files.readAllLines(report, StandardCharsets.UTF_8);
    assertThat(rows.get(0)).isEqualTo("section,name,value");
    assertThat(rows).contains("run,calls,30", "status_codes,OK,30", "run,method," + UNARY);
    assertThat(rows).anyMatch(r -> r.startsWith("latency_ms,p99,"));
  }

  @Test
  void everyCallKindRunsFromProtoFiles() throws Exception {
    server = new BenchServer(0);
    String[] schema = {"--proto", "bench_test.proto", "--import-path", protoDir().toString()};
    String lines = "{\"text\":\"a\"}\n{\"text\":\"b\"}";
    assertThat(
            bench(
                concat(
                    schema,
                    server.target(),
                    BenchServer.SERVICE + "/ServerStream",
                    "-d",
                    "{\"responses\":2}",
                    "-n",
                    "10")))
        .isZero();
    assertThat(
            bench(
                concat(
                    schema,
                    server.target(),
                    BenchServer.SERVICE + "/ClientStream",
                    "-d",
                    lines,
                    "-n",
                    "10")))
        .isZero();
    assertThat(
            bench(
                concat(
                    schema,
                    server.target(),
                    BenchServer.SERVICE + "/Bidi",
                    "-d",
                    lines,
                    "-n",
                    "10")))
        .isZero();
    assertThat(server.calls.get()).isEqualTo(30);
    assertThat(server.requests.get()).isEqualTo(10 + 20 + 20);
  }

  @Test
  void requestsComeFromAFile() throws Exception {
    server = new BenchServer(0);
    Path request = dir.resolve("request.json");
    Files.writeString(request, "{ \"text\": \"from a file\" }\n", StandardCharsets.UTF_8);
    assertThat(bench(server.target(), UNARY, "-d", "@" + request, "-n", "5"))
        .as(err.toString())
        .isZero();
    assertThat(server.calls.get()).isEqualTo(5);
  }

  @Test
  void theOpenLoopRunsForItsDuration() throws IOException {
    server = new BenchServer(0);
    assertThat(bench(server.target(), UNARY, "--rps", "100", "--duration", "1s", "--progress"))
        .as(err.toString())
        .isZero();
    assertThat(server.calls.get()).isBetween(50L, 150L);
    assertThat(err.toString()).doesNotContain("\r");
  }

  @Test
  void rampStagesRun() throws IOException {
    server = new BenchServer(0);
    assertThat(bench(server.target(), UNARY, "--stage", "300ms:200rps", "--stage", "300ms:0rps"))
        .isZero();
    assertThat(bench(server.target(), UNARY, "--stage", "300ms:4", "--stage", "300ms:1")).isZero();
    assertThat(server.calls.get()).isPositive();
  }

  @Test
  void badInputIsOneLineAndTheUsageExitCode() throws IOException {
    server = new BenchServer(0);
    String t = server.target();
    assertUsage(bench(t, UNARY, "-d", "{\"text\":"), "trunk: invalid JSON in -d");
    assertUsage(bench(t, UNARY, "-d", "{\"nope\":1}"), "trunk: invalid JSON in -d");
    assertUsage(
        bench(t, BenchServer.SERVICE + "/Nope"),
        "trunk: service " + BenchServer.SERVICE + " has no method Nope");
    assertUsage(bench(t, UNARY, "--stage", "fast"), "trunk: 'fast' is not a stage");
    assertUsage(bench(t, UNARY, "--fail-if", "p99~1s"), "trunk: 'p99~1s' is not a threshold");
    assertUsage(
        bench(t, UNARY, "--rps", "10", "-c", "5"), "trunk: --concurrency is for the closed loop");
    assertUsage(
        bench(t, UNARY, "--stage", "1s:5rps", "--stage", "1s:5"),
        "trunk: --stage targets must all be");
    assertUsage(
        bench(t, UNARY, "--report", dir.resolve("r.txt").toString()), "must end in .json or .csv");
    assertThat(server.calls.get()).isZero();
  }

  private void assertUsage(int code, String message) {
    assertThat(code).as(err.toString()).isEqualTo(ExitCode.USAGE);
    assertThat(err.toString().lines().toList()).hasSize(1).first().asString().contains(message);
    err.getBuffer().setLength(0);
  }

  @Test
  void anUnreachableTargetIsOneLineAndTheExitCodeOfUnavailable() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    int code =
        bench(
            "--proto",
            "bench_test.proto",
            "--import-path",
            protoDir().toString(),
            "127.0.0.1:" + port,
            UNARY,
            "-n",
            "5");
    assertThat(code).isEqualTo(64 + 14);
    assertThat(err.toString().lines().toList())
        .singleElement()
        .asString()
        .startsWith("trunk: cannot connect to 127.0.0.1:" + port + ": ");
    assertThat(bench("127.0.0.1:" + port, UNARY, "-n", "5")).isEqualTo(64 + 14);
  }

  private static String[] concat(String[] first, String... rest) {
    List<String> all = new ArrayList<>(List.of(first));
    all.addAll(List.of(rest));
    return all.toArray(String[]::new);
  }
}
