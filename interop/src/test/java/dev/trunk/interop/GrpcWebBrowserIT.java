package dev.trunk.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.trunk.interop.InteropServers.RunningServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
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
 * results into the page. {@code driver.js} (playwright-core) loads the page, keeps a screenshot in
 * {@code target/browser/grpc-web.png} and prints the results, which this test compares.
 */
class GrpcWebBrowserIT {
  /** Debian's chromium package (interop/matrix.sh installs it). */
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

  private static final Duration DRIVER_TIMEOUT = Duration.ofSeconds(90);

  /** What the driver prints before the page's results. */
  private static final String RESULTS = "RESULTS ";

  /** One format's results: payload sizes, grpc-status and the error's grpc-message. */
  private static final String FORMAT_RESULTS =
      "{\"unary\":{\"status\":0,\"message\":\"\",\"sizes\":[314159]},"
          + "\"serverStreaming\":{\"status\":0,\"message\":\"\",\"sizes\":[31415,9,2653,58979]},"
          + "\"error\":{\"status\":2,\"message\":\"test status message\",\"sizes\":[]}}";

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void theOfficialGrpcWebClientInChromiumMakesUnaryAndStreamingCallsInBothFormats()
      throws IOException {
    Path screenshot = moduleDir().resolve("target/browser/grpc-web.png");
    Files.deleteIfExists(screenshot);
    Path site = buildPage();
    RunningServer server = startServer(site);
    try (ChildProcess driver =
        ChildProcess.start(
            "grpc-web-browser-driver",
            List.of(
                "node",
                copiedPeer().resolve("driver.js").toString(),
                "--url=http://127.0.0.1:" + server.port() + "/",
                "--screenshot=" + screenshot,
                "--chromium=" + CHROMIUM))) {
      Integer exit = driver.awaitExit(DRIVER_TIMEOUT);
      String results = resultsLine(driver.output());

      assertThat(exit).as("driver exit%s%s", driver.describe(), server.stateIfDead()).isZero();
      assertThat(results)
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
    requireTools();
    Path peer = copiedPeer();
    Files.createDirectories(peer);
    try (Stream<Path> files = Files.list(peerSource())) {
      for (Path file : files.toList()) {
        Files.copy(file, peer.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    Path site = moduleDir().resolve("target/browser/site");
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

  private static void requireTools() {
    Path modules = GrpcJsAndConnectEsPeers.nodeDir().resolve("node_modules");
    for (String module : List.of("grpc-web", "google-protobuf", "esbuild", "playwright-core")) {
      if (!Files.isDirectory(modules.resolve(module))) {
        fail(modules + "/" + module + " is missing: run the tests with 'mvn verify' (npm ci)");
      }
    }
    if (!Files.isExecutable(CHROMIUM)) {
      fail(CHROMIUM + " is missing: install Debian's chromium (interop/matrix.sh --install-only)");
    }
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

  private static String resultsLine(String output) {
    return output
        .lines()
        .filter(line -> line.startsWith(RESULTS))
        .map(line -> line.substring(RESULTS.length()))
        .findFirst()
        .orElse("(no results; the driver printed:\n" + output + ")");
  }

  /** interop/peers/browser, the page's sources. */
  private static Path peerSource() {
    return moduleDir().resolve("peers/browser");
  }

  /** target/node/peers/browser, where node finds node_modules from. */
  private static Path copiedPeer() {
    return GrpcJsAndConnectEsPeers.peersCopy().resolve("browser");
  }

  private static Path moduleDir() {
    Path dir = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
    if (!Files.isDirectory(dir.resolve("peers"))) {
      throw new UncheckedIOException(new IOException(dir + " is not the interop module"));
    }
    return dir;
  }
}
