package dev.trunk.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trunk.HealthStatus;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** health and grpc_health_probe's exit codes. */
class HealthCommandTest {
  private EchoServer server;

  @BeforeEach
  void start() throws Exception {
    server = EchoServer.start(false, null);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aServingServerExitsZero() {
    Cli cli = Cli.run("health", "--plaintext", server.target());
    assertThat(cli.exitCode()).as(cli.err()).isEqualTo(HealthCommand.SERVING);
    assertThat(cli.out()).isEqualTo("status: SERVING\n");
  }

  @Test
  void aServiceNotServingExitsFour() {
    server.server().health().setStatus("trunk.cli.test.Echo", HealthStatus.NOT_SERVING);
    Cli cli = Cli.run("health", "--plaintext", server.target(), "--service", "trunk.cli.test.Echo");
    assertThat(cli.exitCode()).isEqualTo(HealthCommand.NOT_SERVING).isEqualTo(4);
    assertThat(cli.out()).isEqualTo("status: NOT_SERVING\n");
  }

  @Test
  void anUnknownServiceIsAnRpcFailure() {
    Cli cli = Cli.run("health", "--plaintext", server.target(), "--service", "no.Such");
    assertThat(cli.exitCode()).isEqualTo(HealthCommand.RPC_FAILURE).isEqualTo(3);
    assertThat(cli.err()).startsWith("ERROR: code NOT_FOUND (5)");
  }

  @Test
  void anUnreachableServerIsAConnectionFailure() throws Exception {
    String target = server.target();
    server.close();
    Cli cli = Cli.run("health", "--plaintext", target);
    assertThat(cli.exitCode()).isEqualTo(HealthCommand.CONNECTION_FAILURE).isEqualTo(2);
    assertThat(cli.err()).startsWith("ERROR: code UNAVAILABLE (14)").hasLineCount(1);
  }

  @Test
  void badArgumentsExitOne() {
    Cli cli = Cli.run("health", "--plaintext", server.target(), "--max-time", "soon");
    assertThat(cli.exitCode()).isEqualTo(1);
    assertThat(cli.err())
        .contains("'soon' is not a duration")
        .contains("see 'trunk health --help'");
  }

  @Test
  void watchPrintsEachChangeUntilMaxTime() throws Exception {
    CompletableFuture<Void> change =
        CompletableFuture.runAsync(
            () -> server.server().health().setStatus("", HealthStatus.NOT_SERVING),
            CompletableFuture.delayedExecutor(500, TimeUnit.MILLISECONDS));
    Cli cli = Cli.run("health", "--plaintext", server.target(), "--watch", "--max-time", "2s");
    change.get();
    assertThat(cli.lines()).containsExactly("status: SERVING", "status: NOT_SERVING");
    assertThat(cli.exitCode()).as(cli.err()).isEqualTo(HealthCommand.NOT_SERVING);
  }
}
