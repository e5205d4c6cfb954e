package dev.trunk.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.trunk.CallOptions;
import dev.trunk.Channel;
import dev.trunk.Metadata;
import dev.trunk.Status;
import dev.trunk.StatusException;
import io.grpc.testing.integration.Messages.EchoStatus;
import io.grpc.testing.integration.Messages.SimpleRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The debug page ({@code /debug} on the admin port) of the interop server, started as a child with
 * {@code --admin_port}, in Debian's headless Chromium: after real calls (OK, and one failing with a
 * {@code traceparent}) the page shows UnaryCall's count and the failed call with its trace id, and
 * the page's form calls EmptyCall and UnaryCall with JSON by the server's reflection and shows the
 * responses. The screenshot is kept in {@code target/browser/debug-page.png}.
 */
class DebugPageBrowserIT {
  private static final String LOOPBACK = "127.0.0.1";
  private static final String UNARY_CALL = "grpc.testing.TestService/UnaryCall";
  private static final String EMPTY_CALL = "grpc.testing.TestService/EmptyCall";
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String FAILURE = "failed <b>on purpose</b>";
  private static final CallOptions OPTIONS =
      CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(10));

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void thePageShowsAMethodsCountsAndAFailedCallAndItsFormCallsUnaryMethods() throws Exception {
    ChromiumDriver.requireChromium();
    Path screenshot = ChromiumDriver.moduleDir().resolve("target/browser/debug-page.png");
    try (ChildProcess server =
        ChildProcess.startJava(
            "debug-page-interop-server",
            List.of(),
            List.of(
                "-jar",
                InteropEnv.interopJar().toString(),
                "server",
                "--port=0",
                "--admin_port=0"))) {
      int adminPort = portAfter(server, InteropServer.ADMIN_LISTENING_ON + LOOPBACK + ":");
      int port = portAfter(server, InteropServer.LISTENING);
      server.awaitPort(LOOPBACK, port, InteropEnv.SERVER_START_TIMEOUT);
      makeCalls(port);

      ChromiumDriver.Drive drive =
          ChromiumDriver.drive(
              "debug-page-browser-driver",
              "http://" + LOOPBACK + ":" + adminPort + "/debug",
              steps(),
              screenshot);

      assertThat(drive.exit()).as("driver exit%s", drive.output()).isZero();
      assertThat(drive.results())
          .as("what the page showed")
          .containsEntry("unaryCalls", "3")
          .containsEntry("failedMessage", FAILURE)
          .containsEntry("failedTraceId", TRACE_ID)
          .containsEntry("emptyCall", "{}")
          .containsEntry("unaryCall", "{\"payload\":{\"body\":\"AAAA\"}}");
      assertThat(Files.readAllBytes(screenshot)).startsWith(0x89, 'P', 'N', 'G');
    }
  }

  /** Two UnaryCalls that succeed and one that fails, with a traceparent. */
  private static void makeCalls(int port) {
    try (Channel channel = Channel.forAddress(LOOPBACK, port).plaintext().build()) {
      SimpleRequest ok = SimpleRequest.newBuilder().setResponseSize(1).build();
      channel.unaryCall(TestMethods.UNARY_CALL, ok, OPTIONS);
      channel.unaryCall(TestMethods.UNARY_CALL, ok, OPTIONS);
      SimpleRequest failing =
          SimpleRequest.newBuilder()
              .setResponseStatus(
                  EchoStatus.newBuilder().setCode(Status.Code.UNKNOWN.value()).setMessage(FAILURE))
              .build();
      Metadata traced =
          new Metadata().add("traceparent", "00-" + TRACE_ID + "-00f067aa0ba902b7-01");
      StatusException e =
          catchThrowableOfType(
              StatusException.class,
              () ->
                  channel.unaryCall(TestMethods.UNARY_CALL, failing, OPTIONS.withMetadata(traced)));
      assertThat(e.status().code()).isEqualTo(Status.Code.UNKNOWN);
    }
  }

  /**
   * Waits for UnaryCall's row and the failed call's, then uses the form as a person would: a
   * method, a JSON request, Call, and the answer.
   */
  private static String steps() {
    String unaryRow = "#methods tr[data-method='" + UNARY_CALL + "']:not([data-calls='0'])";
    String failedRow = "#failed tr[data-status='UNKNOWN']";
    return List.of(
            "{\"waitFor\": \"" + unaryRow + "\"}",
            "{\"text\": \"" + unaryRow + " td.calls\", \"as\": \"unaryCalls\"}",
            "{\"waitFor\": \"" + failedRow + "\"}",
            "{\"text\": \"" + failedRow + " td:nth-child(3)\", \"as\": \"failedMessage\"}",
            "{\"text\": \"" + failedRow + " td:nth-child(6)\", \"as\": \"failedTraceId\"}",
            "{\"waitFor\": \"#call:not([disabled])\"}",
            call(EMPTY_CALL, "{}", "emptyCall"),
            call(UNARY_CALL, "{\\\"responseSize\\\": 3}", "unaryCall"))
        .stream()
        .collect(Collectors.joining(", ", "[", "]"));
  }

  /** Types {@code method} and {@code request}, clicks Call and reads the answer as JSON. */
  private static String call(String method, String request, String name) {
    return String.join(
        ", ",
        "{\"fill\": \"#method\", \"value\": \"" + method + "\"}",
        "{\"fill\": \"#request\", \"value\": \"" + request + "\"}",
        "{\"click\": \"#call\"}",
        "{\"waitFor\": \"#result[data-outcome='ok']\"}",
        "{\"json\": \"#result\", \"as\": \"" + name + "\"}");
  }

  private static int portAfter(ChildProcess process, String prefix) {
    String line = process.awaitLogLine(l -> l.startsWith(prefix), InteropEnv.SERVER_START_TIMEOUT);
    return Integer.parseInt(line.substring(prefix.length()).split(" ", 2)[0]);
  }
}
