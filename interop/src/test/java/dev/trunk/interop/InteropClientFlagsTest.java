package dev.trunk.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/** The interop client's --protocol and --http_version flags: what it refuses before any call. */
@Isolated("replaces System.err")
class InteropClientFlagsTest {
  /** The exit status and what the client printed on stderr. */
  private record Outcome(int exit, String stderr) {}

  private static Outcome run(String... args) {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      int exit = InteropClient.run(args);
      return new Outcome(exit, captured.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(original);
    }
  }

  @Test
  void httpOneOneWithGrpcIsAUsageErrorThatNamesTheProtocolsThatCanUseIt() {
    Outcome outcome = run("--server_port=1", "--http_version=1.1");

    assertThat(outcome.exit()).isEqualTo(InteropClient.EXIT_USAGE);
    assertThat(outcome.stderr())
        .contains("--http_version=1.1 needs --protocol=grpc-web or --protocol=connect");
  }

  @Test
  void anUnknownProtocolIsAUsageErrorListingTheKnownOnes() {
    Outcome outcome = run("--server_port=1", "--protocol=websocket");

    assertThat(outcome.exit()).isEqualTo(InteropClient.EXIT_USAGE);
    assertThat(outcome.stderr())
        .contains("--protocol=websocket is not one of [connect, grpc, grpc-web]");
  }

  @Test
  void anUnknownHttpVersionIsAUsageError() {
    Outcome outcome = run("--server_port=1", "--protocol=connect", "--http_version=3");

    assertThat(outcome.exit()).isEqualTo(InteropClient.EXIT_USAGE);
    assertThat(outcome.stderr()).contains("--http_version=3 is not 1.1 or 2");
  }

  @Test
  void theUsageTextDescribesBothFlags() {
    Outcome outcome = run("--help");

    assertThat(outcome.exit()).isEqualTo(InteropClient.EXIT_USAGE);
    assertThat(outcome.stderr())
        .contains("[--protocol=grpc|grpc-web|connect (default grpc)]")
        .contains("[--http_version=1.1|2 (default 2;");
  }
}
