package dev.trunk.interop;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@code interop/peers/browser/driver.js}: a page in Debian's headless Chromium, driven by
 * playwright-core through a list of steps (fill, click, wait for, read; see the script), with a
 * screenshot of the end state. The browser tests share it.
 */
final class ChromiumDriver {
  /** Debian's chromium package (interop/matrix.sh installs it). */
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");

  /** Longest a whole drive may take: Chromium's start, the page and every step. */
  private static final Duration DRIVER_TIMEOUT = Duration.ofSeconds(90);

  /** What the driver prints before each value a step read: {@code RESULT name=value}. */
  private static final String RESULT = "RESULT ";

  /**
   * One drive of a page.
   *
   * @param exit the driver's exit status, null if it timed out
   * @param results what the steps read, by name, in order
   * @param output the driver's command and output, for failure messages
   */
  record Drive(@Nullable Integer exit, Map<String, String> results, String output) {}

  private ChromiumDriver() {}

  /** Fails the test unless Chromium and the driver's node module are installed. */
  static void requireChromium() {
    requireNodeModules(List.of("playwright-core"));
    if (!Files.isExecutable(CHROMIUM)) {
      fail(CHROMIUM + " is missing: install Debian's chromium (interop/matrix.sh --install-only)");
    }
  }

  /** Fails the test unless {@code modules} are in target/node/node_modules. */
  static void requireNodeModules(List<String> modules) {
    Path installed = GrpcJsAndConnectEsPeers.nodeDir().resolve("node_modules");
    for (String module : modules) {
      if (!Files.isDirectory(installed.resolve(module))) {
        fail(installed + "/" + module + " is missing: run the tests with 'mvn verify' (npm ci)");
      }
    }
  }

  /**
   * Opens {@code url}, runs {@code steps} (a JSON array, see driver.js) and keeps a screenshot of
   * the end state in {@code screenshot}, replacing any earlier one.
   */
  static Drive drive(String name, String url, String steps, Path screenshot) throws IOException {
    requireChromium();
    Files.deleteIfExists(screenshot);
    try (ChildProcess driver =
        ChildProcess.start(
            name,
            List.of(
                "node",
                copiedDriver().toString(),
                "--url=" + url,
                "--screenshot=" + screenshot,
                "--steps=" + steps,
                "--chromium=" + CHROMIUM))) {
      Integer exit = driver.awaitExit(DRIVER_TIMEOUT);
      return new Drive(exit, results(driver.output()), driver.describe());
    }
  }

  /** The interop module's directory (Maven's {@code basedir}). */
  static Path moduleDir() {
    Path dir = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
    if (!Files.isDirectory(dir.resolve("peers"))) {
      throw new UncheckedIOException(new IOException(dir + " is not the interop module"));
    }
    return dir;
  }

  /** interop/peers/browser, the driver's and the grpc-web page's sources. */
  static Path browserPeerSource() {
    return moduleDir().resolve("peers/browser");
  }

  /** target/node/peers/browser, where node finds node_modules from. */
  static Path browserPeerCopy() {
    return GrpcJsAndConnectEsPeers.peersCopy().resolve("browser");
  }

  /** Copies driver.js next to node_modules and returns the copy. */
  private static Path copiedDriver() throws IOException {
    Path copy = browserPeerCopy().resolve("driver.js");
    Files.createDirectories(copy.getParent());
    Files.copy(browserPeerSource().resolve("driver.js"), copy, StandardCopyOption.REPLACE_EXISTING);
    return copy;
  }

  private static Map<String, String> results(String output) {
    Map<String, String> results = new LinkedHashMap<>();
    for (String line : output.lines().toList()) {
      int equals = line.indexOf('=');
      if (line.startsWith(RESULT) && equals > 0) {
        results.put(line.substring(RESULT.length(), equals), line.substring(equals + 1));
      }
    }
    return results;
  }
}
