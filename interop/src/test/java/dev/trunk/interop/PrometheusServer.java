package dev.trunk.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A real Prometheus (Debian's {@code prometheus}, installed by {@code interop/matrix.sh
 * --install-only}) on a loopback port, scraping the given targets every second and evaluating the
 * given rule files every second, with its data in the work directory. Always {@link #close()} it.
 */
final class PrometheusServer implements AutoCloseable {
  /** Where Debian installs the server. */
  static final Path BINARY = Path.of("/usr/bin/prometheus");

  /** Scrape and rule evaluation interval: short, so a test sees two scrapes within seconds. */
  private static final String INTERVAL = "1s";

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  private final ChildProcess process;
  private final int port;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).build();

  private PrometheusServer(ChildProcess process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Starts Prometheus scraping {@code targets} ({@code host:port}) and waits until it is ready. */
  static PrometheusServer start(List<String> targets, List<Path> ruleFiles) {
    if (!Files.isExecutable(BINARY)) {
      throw new IllegalStateException(
          BINARY + " is missing: install Debian's prometheus (interop/matrix.sh --install-only)");
    }
    Path dir = InteropEnv.workDir().resolve("prometheus");
    Path config = dir.resolve("prometheus.yml");
    try {
      deleteRecursively(dir);
      Files.createDirectories(dir);
      Files.writeString(config, config(targets, ruleFiles), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + config, e);
    }
    int port = InteropEnv.freePort();
    ChildProcess process =
        ChildProcess.start(
            "prometheus",
            List.of(
                BINARY.toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port));
    PrometheusServer server = new PrometheusServer(process, port);
    try {
      server.awaitReady();
      return server;
    } catch (RuntimeException | Error e) {
      server.close();
      throw e;
    }
  }

  private static String config(List<String> targets, List<Path> ruleFiles) {
    String rules =
        ruleFiles.stream()
            .map(f -> "  - " + f.toAbsolutePath() + "\n")
            .collect(Collectors.joining());
    String scraped =
        targets.stream().map(t -> "'" + t + "'").collect(Collectors.joining(", ", "[", "]"));
    return "global:\n"
        + "  scrape_interval: "
        + INTERVAL
        + "\n  scrape_timeout: "
        + INTERVAL
        + "\n  evaluation_interval: "
        + INTERVAL
        + "\nrule_files:\n"
        + rules
        + "scrape_configs:\n"
        + "  - job_name: trunk\n"
        + "    static_configs:\n"
        + "      - targets: "
        + scraped
        + "\n";
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (true) {
      try {
        if (get("/-/ready").statusCode() == 200) {
          return;
        }
      } catch (UncheckedIOException notYet) {
        // not listening yet
      }
      if (!process.isAlive() || System.nanoTime() > deadline) {
        throw new AssertionError("Prometheus did not get ready:" + process.describe());
      }
      sleep(200);
    }
  }

  /** The JSON answer of the HTTP API's instant query {@code promQl}. */
  String query(String promQl) {
    HttpResponse<String> response =
        get("/api/v1/query?query=" + URLEncoder.encode(promQl, StandardCharsets.UTF_8));
    if (response.statusCode() != 200) {
      throw new AssertionError(
          "Prometheus refused " + promQl + ": " + response.statusCode() + " " + response.body());
    }
    return response.body();
  }

  /** Whether the instant query {@code promQl} returns at least one series. */
  boolean hasData(String promQl) {
    return !query(promQl).replace(" ", "").contains("\"result\":[]");
  }

  private HttpResponse<String> get(String path) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(REQUEST_TIMEOUT)
            .build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException("GET " + path + " from Prometheus failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The server's log, for failure messages. */
  String describe() {
    return process.describe();
  }

  @Override
  public void close() {
    process.close();
    http.close();
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
