package dev.trunk.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code trunk bench} through the real launcher ({@code trunk-cli/target/trunk}) against Trunk's
 * interop server (schema by reflection) and grpc-java's (no reflection: {@code --proto}), unary
 * {@code grpc.testing.TestService/UnaryCall} with 100-byte messages, and h2load against the same
 * server at the same concurrency as the reference rate. The counts and the report are asserted; the
 * rates and their ratio are only logged, as a shared machine's timing proves nothing (docs/cli.md
 * holds measured figures).
 */
class TrunkBenchIT {
  /** Calls in flight on the one connection, for both tools. */
  private static final int STREAMS = 10;

  /** Calls per run. */
  private static final int CALLS = 5000;

  /** Longest a bench or h2load run may take. */
  private static final Duration RUN_TIMEOUT = Duration.ofSeconds(120);

  /** SimpleRequest{response_size: 100, payload: {body: 100 zero bytes}}, as JSON. */
  private static final String REQUEST_JSON =
      "{\"responseSize\":100,\"payload\":{\"body\":\""
          + Base64.getEncoder().encodeToString(new byte[100])
          + "\"}}";

  private static final Pattern H2LOAD_DONE =
      Pattern.compile("requests: (\\d+) total, (\\d+) started, (\\d+) done, (\\d+) succeeded");
  private static final Pattern H2LOAD_RATE = Pattern.compile("finished in [^,]+, ([0-9.]+) req/s");

  @Test
  void againstTrunksInteropServer() throws IOException {
    InteropServers.RunningServer server = InteropServers.startTrunk(false);
    try {
      compare("trunk", server.port(), List.of());
    } finally {
      server.process().close();
    }
  }

  @Test
  void againstGrpcJavasInteropServerWithProtoFiles() throws IOException {
    InteropServers.RunningServer server = InteropServers.startGrpcJava(false);
    try {
      Path protos = Path.of(System.getProperty("interop.protos.dir", "target/protos"));
      compare(
          "grpc-java",
          server.port(),
          List.of("--proto", "grpc/testing/test.proto", "--import-path", protos.toString()));
    } finally {
      server.process().close();
    }
  }

  private void compare(String name, int port, List<String> schema) throws IOException {
    Path report = InteropEnv.workDir().resolve("bench-" + name + ".json");
    Files.deleteIfExists(report);
    List<String> command = new ArrayList<>(List.of(launcher().toString(), "bench", "--plaintext"));
    command.addAll(schema);
    command.addAll(
        List.of(
            "127.0.0.1:" + port,
            "grpc.testing.TestService/UnaryCall",
            "-d",
            REQUEST_JSON,
            "-c",
            Integer.toString(STREAMS),
            "-n",
            Integer.toString(CALLS),
            "--report",
            report.toString()));
    String bench = run("trunk-bench-" + name, command);
    assertThat(bench).contains(CALLS + " ok, 0 failed").containsPattern("OK +" + CALLS);
    String json = Files.readString(report, StandardCharsets.UTF_8);
    assertThat(json).contains("\"calls\": " + CALLS, "\"OK\": " + CALLS);
    double trunkRate = number(Pattern.compile("\"rps\": ([0-9.]+)"), json);

    String h2load = run("h2load-" + name, h2load(port));
    Matcher done = H2LOAD_DONE.matcher(h2load);
    assertThat(done.find()).as(h2load).isTrue();
    assertThat(done.group(4)).isEqualTo(Integer.toString(CALLS));
    double h2loadRate = number(H2LOAD_RATE, h2load);
    System.out.printf(
        Locale.ROOT,
        "TrunkBenchIT %s server, 1 connection x %d streams, %d unary calls: trunk bench %.0f"
            + " calls/s, h2load %.0f req/s, ratio %.2f%n",
        name,
        STREAMS,
        CALLS,
        trunkRate,
        h2loadRate,
        trunkRate / h2loadRate);
  }

  /** h2load sending the same request, framed as gRPC, on one connection. */
  private static List<String> h2load(int port) throws IOException {
    Path body = InteropEnv.workDir().resolve("bench-request.bin");
    byte[] message = simpleRequest();
    byte[] framed = new byte[5 + message.length];
    framed[4] = (byte) message.length;
    System.arraycopy(message, 0, framed, 5, message.length);
    Files.write(body, framed);
    return List.of(
        "h2load",
        "-n",
        Integer.toString(CALLS),
        "-c",
        "1",
        "-m",
        Integer.toString(STREAMS),
        "-t",
        "1",
        "-d",
        body.toString(),
        "-H",
        "content-type: application/grpc",
        "-H",
        "te: trailers",
        "http://127.0.0.1:" + port + "/grpc.testing.TestService/UnaryCall");
  }

  /** The wire bytes of {@link #REQUEST_JSON}: field 2 (response_size) and field 3 (payload). */
  private static byte[] simpleRequest() {
    byte[] message = new byte[4 + 2 + 100];
    message[0] = 0x10; // response_size, varint
    message[1] = 100;
    message[2] = 0x1a; // payload, length-delimited
    message[3] = 102;
    message[4] = 0x12; // payload.body, length-delimited
    message[5] = 100;
    return message;
  }

  private static String run(String name, List<String> command) {
    try (ChildProcess process = ChildProcess.start(name, command)) {
      Integer exit = process.awaitExit(RUN_TIMEOUT);
      assertThat(exit).as(process.describe()).isEqualTo(0);
      return process.output();
    }
  }

  private static double number(Pattern pattern, String text) {
    Matcher m = pattern.matcher(text);
    assertThat(m.find()).as(text).isTrue();
    return Double.parseDouble(m.group(1));
  }

  private static Path launcher() {
    Path launcher =
        Path.of(System.getProperty("trunk.launcher", "../trunk-cli/target/trunk"))
            .toAbsolutePath()
            .normalize();
    assertThat(launcher).as("build trunk-cli first").isExecutable();
    return launcher;
  }
}
