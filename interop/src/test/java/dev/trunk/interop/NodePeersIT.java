package dev.trunk.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trunk.HealthStatus;
import dev.trunk.Server;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Independent Node.js clients against Trunk: grpc-js reads the health service, and {@code buf curl}
 * lists and calls the running interop server by reflection alone (no schema given).
 */
class NodePeersIT {
  private static final Duration NODE_TIMEOUT = Duration.ofSeconds(60);

  private Server server;

  @BeforeEach
  void start() throws Exception {
    server =
        Server.builder()
            .address("127.0.0.1", 0)
            .service(TestServiceImpl.definition())
            .shutdownGracePeriod(Duration.ofSeconds(2))
            .build()
            .start();
  }

  @AfterEach
  void stop() {
    server.shutdownNow();
  }

  static Path nodeDir() {
    return Path.of(System.getProperty("interop.node.dir", "target/node"));
  }

  private static ChildProcess buf(String name, List<String> args) {
    List<String> command = new java.util.ArrayList<>();
    command.add(nodeDir().resolve("node_modules/.bin/buf").toString());
    command.addAll(args);
    return ChildProcess.start(name, command);
  }

  /** Starts {@code trunk-interop.jar server --port=0} and returns it with the port it chose. */
  private static ChildProcess interopServer() {
    return ChildProcess.startJava(
        "trunk-interop-server-for-buf",
        InteropEnv.CLIENT_JVM_FLAGS,
        List.of("-jar", InteropEnv.interopJar().toString(), "server", "--port=0"));
  }

  private static int portOf(ChildProcess server) {
    String line = server.awaitLogLine(l -> l.startsWith(InteropServer.LISTENING), NODE_TIMEOUT);
    return Integer.parseInt(line.substring(InteropServer.LISTENING.length()).split(" ")[0]);
  }

  @Test
  void bufCurlListsEveryMethodOfTheRunningInteropServerByReflection() {
    try (ChildProcess server = interopServer()) {
      String url = "http://127.0.0.1:" + portOf(server);
      try (ChildProcess list =
          buf(
              "buf-list-methods",
              List.of(
                  "curl",
                  "--protocol",
                  "grpc",
                  "--http2-prior-knowledge",
                  "--list-methods",
                  url))) {
        assertThat(list.awaitExit(NODE_TIMEOUT)).as(list.output()).isZero();
        assertThat(list.output().lines())
            .contains(
                "grpc.testing.TestService/EmptyCall",
                "grpc.testing.TestService/UnaryCall",
                "grpc.testing.TestService/CacheableUnaryCall",
                "grpc.testing.TestService/StreamingOutputCall",
                "grpc.testing.TestService/StreamingInputCall",
                "grpc.testing.TestService/FullDuplexCall",
                "grpc.testing.TestService/HalfDuplexCall",
                "grpc.testing.TestService/UnimplementedCall",
                "grpc.health.v1.Health/Check",
                "grpc.health.v1.Health/Watch",
                "grpc.health.v1.Health/List",
                "grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
                "grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo");
      }
    }
  }

  @Test
  void bufCurlCallsUnaryCallWithTheSchemaFromReflectionAlone() {
    try (ChildProcess server = interopServer()) {
      String url = "http://127.0.0.1:" + portOf(server) + "/grpc.testing.TestService/UnaryCall";
      try (ChildProcess call =
          buf(
              "buf-unary-call",
              List.of(
                  "curl",
                  "--protocol",
                  "grpc",
                  "--http2-prior-knowledge",
                  "-d",
                  "{\"responseSize\": 3, \"payload\": {\"body\": \"AQID\"}}",
                  url))) {
        assertThat(call.awaitExit(NODE_TIMEOUT)).as(call.output()).isZero();
        // Three zero bytes, as JSON base64.
        assertThat(call.output()).contains("\"body\": \"AAAA\"");
      }
    }
  }

  @Test
  void grpcJsReadsHealthCheckAndAWatchStreamSeesAStatusChange() {
    String service = TestMethods.TEST_SERVICE;
    try (ChildProcess client =
        ChildProcess.start(
            "grpc-js-health",
            List.of(
                "node",
                nodeDir().resolve("health-client.js").toString(),
                "127.0.0.1:" + server.port(),
                service))) {
      client.awaitLogLine(line -> line.equals("watch SERVING"), NODE_TIMEOUT);
      server.health().setStatus(service, HealthStatus.NOT_SERVING);
      Integer exit = client.awaitExit(NODE_TIMEOUT);
      assertThat(exit).as(client.output()).isZero();
      assertThat(client.output().lines())
          .containsSubsequence("check SERVING", "watch SERVING", "watch NOT_SERVING");
    }
  }
}
