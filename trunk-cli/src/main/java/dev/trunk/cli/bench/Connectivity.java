package dev.trunk.cli.bench;

import dev.trunk.CallOptions;
import dev.trunk.Channel;
import dev.trunk.ConnectivityState;
import dev.trunk.MethodDescriptor;
import dev.trunk.Status;
import dev.trunk.StatusException;
import dev.trunk.cli.CliException;
import dev.trunk.cli.StatusReport;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Connects every channel before the load starts, so that an unreachable target is one line and the
 * exit code of UNAVAILABLE ({@code 64 + 14}) rather than a run of failed calls.
 */
final class Connectivity {
  private Connectivity() {}

  /**
   * Waits until {@code channel} is READY.
   *
   * @throws CliException (exit code of UNAVAILABLE) if it fails to connect within {@code timeout}
   */
  static void awaitReady(
      Channel channel, String target, Duration timeout, MethodDescriptor<?, ?> method)
      throws InterruptedException {
    CompletableFuture<ConnectivityState> settled = new CompletableFuture<>();
    Consumer<ConnectivityState> listener =
        state -> {
          if (state != ConnectivityState.IDLE && state != ConnectivityState.CONNECTING) {
            settled.complete(state);
          }
        };
    channel.addStateListener(listener);
    ConnectivityState state;
    try {
      listener.accept(channel.state(true));
      state = settled.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException | TimeoutException e) {
      state = channel.state(false);
    } finally {
      channel.removeStateListener(listener);
    }
    if (state != ConnectivityState.READY) {
      throw new CliException(
          StatusReport.exitCode(Status.Code.UNAVAILABLE),
          "cannot connect to " + target + ": " + reason(channel, method, state));
    }
  }

  /**
   * Why the channel is not connected, as a call on it says: without a connection the call fails at
   * once with the connection's error and never reaches a server.
   */
  @SuppressWarnings("unchecked") // the call fails before any message is encoded
  private static String reason(
      Channel channel, MethodDescriptor<?, ?> method, ConnectivityState state) {
    try {
      channel.unaryCall(
          (MethodDescriptor<Object, Object>) method,
          new Object(),
          CallOptions.DEFAULT.withWaitForReady(false));
    } catch (StatusException e) {
      if (e.status().code() == Status.Code.UNAVAILABLE && e.status().description() != null) {
        return e.status().description();
      }
    } catch (RuntimeException e) {
      // Connected after all and the message did not encode: fall back to the state.
    }
    return "the connection is " + state;
  }
}
