package dev.trunk.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trunk.interop.InteropServers.RunningServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * grpc-java's interop client with a retry policy in {@code --service_config_json} (its own flag)
 * against the Trunk interop server, which fails attempts on request through its test hook ({@code
 * x-trunk-fail-attempts}, {@code x-trunk-pushback-ms}, sent with grpc-java's {@code
 * --additional_metadata}; see {@link TestServiceImpl}): the server must see {@code
 * grpc-previous-rpc-attempts} 1..N on the retries, and its {@code grpc-retry-pushback-ms} must hold
 * grpc-java's next attempt back. Issue 13, item 10. Each test records a row of its own in the
 * matrix (peer grpc-java, direction peer-client, path plaintext).
 *
 * <p>The case is grpc-java's {@code rpc_soak} (large unary calls, each checked): its {@code
 * large_unary} also checks its own census trace, which records the first attempt's UNAVAILABLE, so
 * it fails on any retried call whatever the server does.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GrpcJavaClientRetryToTrunkServerIT {
  /** Attempts the hook fails per call; the third attempt is answered. */
  private static final int FAILED_ATTEMPTS = 2;

  /** The pushback the server asks for; far above the policy's longest backoff. */
  private static final long PUSHBACK_MS = 1000;

  /** Calls per client run (soak iterations), each retried {@link #FAILED_ATTEMPTS} times. */
  private static final int CALLS = 2;

  /**
   * Retries UNAVAILABLE up to 3 attempts in all, after at most 50 ms: any gap between attempts of
   * {@link #PUSHBACK_MS} or more comes from the server's pushback.
   */
  private static final String RETRY_CONFIG =
      """
      {"methodConfig": [{"name": [{"service": "grpc.testing.TestService"}],
        "retryPolicy": {"maxAttempts": 3, "initialBackoff": "0.01s", "maxBackoff": "0.05s",
          "backoffMultiplier": 2, "retryableStatusCodes": ["UNAVAILABLE"]}}]}"""
          .replace("\n", " ");

  /** One line of the server's test hook. */
  private static final Pattern ATTEMPT =
      Pattern.compile(
          Pattern.quote(TestServiceImpl.ATTEMPT_LOG)
              + " previous_attempts=(\\d+) at_ms=(\\d+) (failed|answered)");

  /** An attempt the server saw. */
  private record Attempt(int previous, long atMillis, boolean failed) {}

  private @Nullable RunningServer server;

  @BeforeAll
  void startServer() {
    server = InteropServers.startTrunk("trunk-server-for-grpc-java-retries", "127.0.0.1");
  }

  @AfterAll
  void stopServer() {
    if (server != null) {
      server.process().close();
    }
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void grpcJavaRetriesFailedAttemptsWithPreviousAttemptsCounted() {
    Run run = runGrpcJavaClient("rpc_soak", FAILED_ATTEMPTS, null);
    MatrixResults.recordChecks(
        "retry_failed_attempts",
        GrpcJavaClientToTrunkServerIT.PEER,
        MatrixResults.PEER_CLIENT,
        "plaintext",
        "--service_config_json with a retryPolicy (maxAttempts 3, UNAVAILABLE); the Trunk server"
            + " failed the first "
            + FAILED_ATTEMPTS
            + " attempts of each of "
            + CALLS
            + " calls (x-trunk-fail-attempts) and saw grpc-previous-rpc-attempts 0, 1, 2; every"
            + " call succeeded. Log: "
            + InteropEnv.display(run.clientLog()),
        () -> {
          assertThat(run.exit()).as("grpc-java's client exit" + run.describe()).isEqualTo(0);
          assertThat(outcomes(run.attempts()))
              .as("attempts the Trunk server saw" + run.describe())
              .isEqualTo(expectedOutcomes());
          for (long gap : gaps(run.attempts())) {
            // The control for the pushback test: without pushback, retries come quickly.
            assertThat(gap).as("ms between attempts" + run.describe()).isLessThan(PUSHBACK_MS);
          }
        });
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void grpcJavaWaitsForTheServersPushback() {
    Run run = runGrpcJavaClient("rpc_soak", FAILED_ATTEMPTS, PUSHBACK_MS);
    MatrixResults.recordChecks(
        "retry_pushback",
        GrpcJavaClientToTrunkServerIT.PEER,
        MatrixResults.PEER_CLIENT,
        "plaintext",
        "As retry_failed_attempts, with grpc-retry-pushback-ms: "
            + PUSHBACK_MS
            + " on each failed attempt (x-trunk-pushback-ms): every retry reached the Trunk server"
            + " at least "
            + PUSHBACK_MS
            + " ms after the attempt before it (the policy's backoff is at most 50 ms). Log: "
            + InteropEnv.display(run.clientLog()),
        () -> {
          assertThat(run.exit()).as("grpc-java's client exit" + run.describe()).isEqualTo(0);
          assertThat(outcomes(run.attempts()))
              .as("attempts the Trunk server saw" + run.describe())
              .isEqualTo(expectedOutcomes());
          for (long gap : gaps(run.attempts())) {
            assertThat(gap)
                .as("ms between attempts" + run.describe())
                .isGreaterThanOrEqualTo(PUSHBACK_MS);
          }
        });
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void grpcJavaGivesUpAfterMaxAttempts() {
    int failEvery = 9;
    Run run = runGrpcJavaClient("large_unary", failEvery, null);
    MatrixResults.recordChecks(
        "retry_max_attempts",
        GrpcJavaClientToTrunkServerIT.PEER,
        MatrixResults.PEER_CLIENT,
        "plaintext",
        "The Trunk server failed every attempt (x-trunk-fail-attempts: "
            + failEvery
            + "); grpc-java's client, with maxAttempts 3, sent exactly 3 attempts"
            + " (grpc-previous-rpc-attempts 0, 1, 2) and failed the call with the third"
            + " attempt's UNAVAILABLE. Log: "
            + InteropEnv.display(run.clientLog()),
        () -> {
          assertThat(run.exit()).as("grpc-java's client exit" + run.describe()).isNotEqualTo(0);
          assertThat(run.attempts())
              .as("attempts the Trunk server saw" + run.describe())
              .extracting(Attempt::previous)
              .containsExactly(0, 1, 2);
          assertThat(run.attempts()).allMatch(Attempt::failed);
          assertThat(run.output())
              .as("grpc-java's client output" + run.describe())
              .contains("UNAVAILABLE: attempt 3 of " + (failEvery + 1) + " failed on purpose");
        });
  }

  /** What a client run left: its exit, output and log, and the attempts the server saw. */
  private record Run(
      @Nullable Integer exit,
      String output,
      Path clientLog,
      List<Attempt> attempts,
      String serverOutput) {
    String describe() {
      return "\n--- grpc-java client ("
          + clientLog
          + ")\n"
          + output
          + "\n--- Trunk server output of this run\n"
          + serverOutput;
    }
  }

  private Run runGrpcJavaClient(String testCase, int failAttempts, @Nullable Long pushbackMs) {
    RunningServer running = requireServer();
    int serverOutputBefore = running.process().output().length();
    String metadata =
        TestServiceImpl.FAIL_ATTEMPTS_KEY
            + ":"
            + failAttempts
            + (pushbackMs == null ? "" : ";" + TestServiceImpl.PUSHBACK_MS_KEY + ":" + pushbackMs);
    List<String> args =
        new ArrayList<>(
            List.of(
                "-cp",
                InteropEnv.peerClassPath(),
                "io.grpc.testing.integration.TestServiceClient",
                "--server_host=127.0.0.1",
                "--server_port=" + running.port(),
                "--use_tls=false",
                "--test_case=" + testCase,
                "--service_config_json=" + RETRY_CONFIG,
                "--additional_metadata=" + metadata));
    if (testCase.equals("rpc_soak")) {
      args.addAll(
          List.of(
              "--soak_iterations=" + CALLS,
              "--soak_max_failures=0",
              // Pushback makes an iteration last 2 s or more; only failures count here.
              "--soak_per_iteration_max_acceptable_latency_ms=20000",
              "--soak_overall_timeout_seconds=50"));
    }
    String name = "grpc-java-client-retry-" + testCase + (pushbackMs == null ? "" : "-pushback");
    try (ChildProcess client =
        ChildProcess.startJava(
            name,
            InteropEnv.clientJvmFlags("grpc-java-client-" + getClass().getSimpleName()),
            args)) {
      Integer exit = client.awaitExit(InteropEnv.CLIENT_TIMEOUT);
      String serverOutput = running.process().output().substring(serverOutputBefore);
      return new Run(exit, client.output(), client.log(), attempts(serverOutput), serverOutput);
    }
  }

  private RunningServer requireServer() {
    RunningServer running = server;
    if (running == null || !running.process().isAlive()) {
      throw new AssertionError(
          "the Trunk interop server is not running"
              + (running == null ? "" : running.stateIfDead()));
    }
    return running;
  }

  private static List<Attempt> attempts(String serverOutput) {
    List<Attempt> attempts = new ArrayList<>();
    Matcher matcher = ATTEMPT.matcher(serverOutput);
    while (matcher.find()) {
      attempts.add(
          new Attempt(
              Integer.parseInt(matcher.group(1)),
              Long.parseLong(matcher.group(2)),
              matcher.group(3).equals("failed")));
    }
    return attempts;
  }

  /** Each attempt as "previous_attempts failed|answered". */
  private static List<String> outcomes(List<Attempt> attempts) {
    return attempts.stream()
        .map(a -> a.previous() + (a.failed() ? " failed" : " answered"))
        .toList();
  }

  /** {@link #CALLS} calls of {@link #FAILED_ATTEMPTS} failed attempts and one answered. */
  private static List<String> expectedOutcomes() {
    List<String> expected = new ArrayList<>();
    for (int call = 0; call < CALLS; call++) {
      for (int previous = 0; previous <= FAILED_ATTEMPTS; previous++) {
        expected.add(previous + (previous < FAILED_ATTEMPTS ? " failed" : " answered"));
      }
    }
    return expected;
  }

  /** Milliseconds from each failed attempt to the retry that followed it. */
  private static List<Long> gaps(List<Attempt> attempts) {
    List<Long> gaps = new ArrayList<>();
    for (int i = 0; i + 1 < attempts.size(); i++) {
      if (attempts.get(i).failed()) {
        gaps.add(attempts.get(i + 1).atMillis() - attempts.get(i).atMillis());
      }
    }
    return gaps;
  }
}
