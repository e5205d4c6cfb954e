package dev.trunk.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.trunk.interop.InteropServers.RunningServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The official grpc-web npm client in Debian's headless Chromium, on a page that the Trunk interop
 * server itself serves ({@code --static_dir}): {@code interop/peers/browser/page.js}, bundled by
 * esbuild, calls UnaryCall (large_unary's sizes), StreamingOutputCall (server_streaming's) and a
 * UnaryCall that asks for an error status, in grpcwebtext and grpcweb formats, and writes the
 * results into the page. {@link ChromiumDriver} loads the page, waits for it to be done, keeps a
 * screenshot in {@code target/browser/grpc-web.png} and reads the results, which this test
 * compares.
 */
class GrpcWebBrowserIT {
  /** The driver's steps: wait until the page has made its calls, then read #results as JSON. */
  private static final String STEPS =
      "[{\"waitFor\": \"body[data-done=true]\"}, {\"json\": \"#results\", \"as\": \"results\"}]";

  /** One format's results: payload sizes, grpc-status and the error's grpc-message. */
  private static final String FORMAT_RESULTS =
      "{\"unary\":{\"status\":0,\"message\":\"\",\"sizes\":[314159]},"
          + "\"serverStreaming\":{\"status\":0,\"message\":\"\",\"sizes\":[31415,9,2653,58979]},"
          + "\"error\":{\"status\":2,\"message\":\"test status message\",\"sizes\":[]}}";

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void theOfficialGrpcWebClientInChromiumMakesUnaryAndStreamingCallsInBothFormats()
      throws IOException {
    Path screenshot = ChromiumDriver.moduleDir().resolve("target/browser/grpc-web.png");
    Path site = buildPage();
    RunningServer server = startServer(site);
    try {
      ChromiumDriver.Drive drive =
          ChromiumDriver.drive(
              "grpc-web-browser-driver",
              "http://127.0.0.1:" + server.port() + "/",
              STEPS,
              screenshot);

      assertThat(drive.exit()).as("driver exit%s%s", drive.output(), server.stateIfDead()).isZero();
      assertThat(drive.results().get("results"))
          .as("the page's results")
          .isEqualTo("{\"text\":" + FORMAT_RESULTS + ",\"binary\":" + FORMAT_RESULTS + "}");
      assertThat(screenshot).isNotEmptyFile();
      assertThat(Files.readAllBytes(screenshot)).startsWith(0x89, 'P', 'N', 'G');
    } finally {
      server.process().close();
    }
  }

  /** Copies the page's sources next to node_modules and bundles them with esbuild. */
  private static Path buildPage() throws IOException {
    ChromiumDriver.requireNodeModules(List.of("grpc-web", "google-protobuf", "esbuild"));
    Path peer = ChromiumDriver.browserPeerCopy();
    Files.createDirectories(peer);
    try (Stream<Path> files = Files.list(ChromiumDriver.browserPeerSource())) {
      for (Path file : files.toList()) {
        Files.copy(file, peer.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    Path site = ChromiumDriver.moduleDir().resolve("target/browser/site");
    Files.createDirectories(site);
    Files.copy(
        peer.resolve("index.html"),
        site.resolve("index.html"),
        StandardCopyOption.REPLACE_EXISTING);
    String bundled =
        GrpcJsAndConnectEsPeers.runSetupStep(
            "grpc-web-browser-esbuild",
            List.of(
                GrpcJsAndConnectEsPeers.nodeDir().resolve("node_modules/.bin/esbuild").toString(),
                peer.resolve("page.js").toString(),
                "--bundle",
                "--format=iife",
                "--log-level=warning",
                "--outfile=" + site.resolve("page.js")));
    if (!bundled.isEmpty()) {
      fail("esbuild could not bundle the page: " + bundled);
    }
    return site;
  }

  /** {@code trunk-interop.jar server --port=0 --static_dir=SITE}. */
  private static RunningServer startServer(Path site) {
    ChildProcess process =
        ChildProcess.startJava(
            "grpc-web-browser-trunk-server",
            List.of(),
            List.of(
                "-jar",
                InteropEnv.interopJar().toString(),
                "server",
                "--port=0",
                "--static_dir=" + site));
    return GrpcJsAndConnectEsPeers.awaitListening(process, InteropServer.LISTENING);
  }
}
