package dev.trunk.interop;

import java.util.List;

/** Starts the interop servers as child processes and waits until they accept connections. */
final class InteropServers {
  /** A server child and the port it listens on at 127.0.0.1. */
  record RunningServer(ChildProcess process, int port) {
    /** Nothing if the server still runs; else its output, for a failure message. */
    String stateIfDead() {
      return process.isAlive() ? "" : "\nThe server has exited:" + process.describe();
    }
  }

  private InteropServers() {}

  /** {@code trunk-interop.jar server --port=0}; the port comes from its "listening" line. */
  static RunningServer startTrunk(boolean tls) {
    return startTrunk(
        "trunk-server-" + (tls ? "tls" : "plaintext"), InteropServer.DEFAULT_ADDRESS, tls);
  }

  /**
   * {@code trunk-interop.jar server --port=0 --address=ADDRESS} in plaintext, logging to {@code
   * name}.log, for tests that run several servers at once.
   */
  static RunningServer startTrunk(String name, String address) {
    return startTrunk(name, address, false);
  }

  /** {@code trunk-interop.jar server --port=0} with TLS or not, logging to {@code name}.log. */
  static RunningServer startTrunk(String name, boolean tls) {
    return startTrunk(name, InteropServer.DEFAULT_ADDRESS, tls);
  }

  private static RunningServer startTrunk(String name, String address, boolean tls) {
    ChildProcess process =
        ChildProcess.startJava(
            name,
            List.of(),
            List.of(
                "-jar",
                InteropEnv.interopJar().toString(),
                "server",
                "--port=0",
                "--use_tls=" + tls,
                "--address=" + address));
    try {
      String listening = InteropServer.LISTENING_ON + address + ":";
      String line =
          process.awaitLogLine(l -> l.startsWith(listening), InteropEnv.SERVER_START_TIMEOUT);
      String rest = line.substring(listening.length());
      int port = Integer.parseInt(rest.substring(0, rest.indexOf(' ')));
      process.awaitPort(address, port, InteropEnv.SERVER_START_TIMEOUT);
      return new RunningServer(process, port);
    } catch (RuntimeException | Error e) {
      process.close();
      throw e;
    }
  }

  /**
   * grpc-java's {@code TestServiceServer} on a free port, listening on 127.0.0.1 only. The port is
   * picked before the server binds it, so a start that loses the port to another process is
   * retried.
   */
  static RunningServer startGrpcJava(boolean tls) {
    return startGrpcJava("grpc-java-server-" + (tls ? "tls" : "plaintext"), tls);
  }

  /**
   * {@link #startGrpcJava(boolean)}, logging to {@code name-ATTEMPT}.log, for tests that run
   * several servers at once.
   */
  static RunningServer startGrpcJava(String name, boolean tls) {
    AssertionError failure = null;
    for (int attempt = 1; attempt <= 3; attempt++) {
      int port = InteropEnv.freePort();
      ChildProcess process =
          ChildProcess.startJava(
              name + "-" + attempt,
              List.of("-Djdk.net.hosts.file=" + InteropEnv.loopbackHostsFile()),
              List.of(
                  "-cp",
                  InteropEnv.peerClassPath(),
                  "io.grpc.testing.integration.TestServiceServer",
                  "--port=" + port,
                  "--use_tls=" + tls,
                  "--address_type=IPV4"));
      try {
        process.awaitLogLine(
            l -> l.startsWith("Server started on port"), InteropEnv.SERVER_START_TIMEOUT);
        process.awaitPort(port, InteropEnv.SERVER_START_TIMEOUT);
        return new RunningServer(process, port);
      } catch (AssertionError e) {
        process.close();
        if (!process.output().contains("BindException")) {
          throw e;
        }
        failure = e;
      } catch (RuntimeException e) {
        process.close();
        throw e;
      }
    }
    throw failure;
  }
}
