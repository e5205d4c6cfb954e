package dev.trunk.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus rules, their unit tests and the Grafana dashboards, checked with Prometheus's own
 * {@code promtool} (Debian's {@code prometheus}, installed by {@code interop/matrix.sh
 * --install-only}), and held to the metric contract of docs/observability.md.
 */
class PrometheusRulesIT {
  /** Longest one promtool run may take; the unit tests evaluate hours of series in seconds. */
  private static final long PROMTOOL_TIMEOUT_SECONDS = 120;

  private static final Pattern RUNBOOK_URL = Pattern.compile("runbook_url: (\\S+)");
  private static final Pattern HEADING = Pattern.compile("(?m)^## (.+)$");
  private static final String RUNBOOKS_BASE =
      "https://github.com/trunk-dev/trunk/blob/main/docs/runbooks.md#";

  private final Path prometheusDir =
      ObservabilityFiles.repoDir().resolve("observability/prometheus");
  private final String rules = ObservabilityFiles.read(prometheusDir.resolve("trunk-rules.yml"));

  @Test
  void theRulesFilePassesPromtoolCheck() {
    assertPromtoolSucceeds(prometheusDir, "check", "rules", "trunk-rules.yml");
  }

  @Test
  void theRulesUnitTestsPass() {
    String output = assertPromtoolSucceeds(prometheusDir, "test", "rules", "trunk-rules.test.yml");

    assertThat(output).contains("SUCCESS");
  }

  @Test
  void everyDashboardQueryParsesAsPromQl() throws IOException {
    List<String> queries = new ArrayList<>();
    for (Path dashboard : ObservabilityFiles.dashboards()) {
      queries.addAll(ObservabilityFiles.dashboardQueries(ObservabilityFiles.json(dashboard)));
    }
    StringBuilder file = new StringBuilder("groups:\n  - name: dashboard-queries\n    rules:\n");
    for (int i = 0; i < queries.size(); i++) {
      file.append("      - record: dashboard_query_").append(i).append("\n        expr: |\n");
      for (String line : queries.get(i).split("\n")) {
        file.append("          ").append(line).append('\n');
      }
    }
    Path dir = Files.createDirectories(InteropEnv.workDir().resolve("promtool"));
    Files.writeString(dir.resolve("dashboard-queries.yml"), file, StandardCharsets.UTF_8);

    assertThat(queries).hasSizeGreaterThan(20);
    String output = assertPromtoolSucceeds(dir, "check", "rules", "dashboard-queries.yml");
    assertThat(output).contains("SUCCESS: " + queries.size() + " rules found");
  }

  @Test
  void everyMetricNameInRulesAndDashboardsIsInTheContractOfObservabilityMd() {
    Set<String> used = new TreeSet<>();
    ObservabilityFiles.ruleValues(rules, "expr")
        .forEach(e -> used.addAll(ObservabilityFiles.metricNames(e)));
    for (Path dashboard : ObservabilityFiles.dashboards()) {
      ObservabilityFiles.dashboardQueries(ObservabilityFiles.json(dashboard))
          .forEach(q -> used.addAll(ObservabilityFiles.metricNames(q)));
    }
    used.removeAll(ObservabilityFiles.ruleValues(rules, "record"));
    Set<String> contract = ObservabilityFiles.contractNames();

    assertThat(contract)
        .as("docs/observability.md's tables")
        .contains("grpc_server_call_started_total", "jvm_memory_used_bytes")
        .hasSizeGreaterThan(30);
    assertThat(used)
        .contains("grpc_server_call_duration_seconds_bucket", "jvm_cpu_time_seconds_total");
    assertThat(used)
        .as("metric names used in rules and dashboards but missing from docs/observability.md")
        .isSubsetOf(contract);
  }

  @Test
  void everyAlertHasASummaryADescriptionAndARunbookSection() {
    int alerts = ObservabilityFiles.ruleValues(rules, "alert").size();
    Set<String> sections =
        HEADING
            .matcher(
                ObservabilityFiles.read(ObservabilityFiles.repoDir().resolve("docs/runbooks.md")))
            .results()
            .map(m -> githubAnchor(m.group(1)))
            .collect(Collectors.toSet());
    List<String> urls = RUNBOOK_URL.matcher(rules).results().map(m -> m.group(1)).toList();

    assertThat(alerts).isGreaterThanOrEqualTo(13);
    assertThat(countOf("summary: ")).isEqualTo(alerts);
    assertThat(countOf("description: ")).isEqualTo(alerts);
    assertThat(urls).hasSize(alerts).allSatisfy(url -> assertThat(url).startsWith(RUNBOOKS_BASE));
    assertThat(urls.stream().map(u -> u.substring(RUNBOOKS_BASE.length())).toList())
        .as("runbook anchors without a '## ' section in docs/runbooks.md " + sections)
        .allSatisfy(anchor -> assertThat(sections).contains(anchor));
  }

  @Test
  void everyDashboardImportsWithADataSourceInputAndFiltersByJobInstanceAndMethod() {
    for (Path file : ObservabilityFiles.dashboards()) {
      JsonObject dashboard = ObservabilityFiles.json(file);
      List<String> variables = new ArrayList<>();
      for (JsonElement v : dashboard.getAsJsonObject("templating").getAsJsonArray("list")) {
        variables.add(v.getAsJsonObject().get("name").getAsString());
      }

      assertThat(dashboard.get("schemaVersion").getAsInt()).as(file.toString()).isEqualTo(39);
      assertThat(dashboard.getAsJsonArray("__inputs").toString()).contains("DS_PROMETHEUS");
      assertThat(variables).as(file.toString()).contains("job", "instance", "grpc_method");
      assertThat(ObservabilityFiles.read(file))
          .doesNotContainPattern("\"uid\": \"(?!\\$\\{DS_PROMETHEUS}|-- Grafana --|trunk-)");
    }
  }

  private int countOf(String key) {
    return (int) rules.lines().filter(l -> l.strip().startsWith(key)).count();
  }

  /** GitHub's anchor of a Markdown heading: lower case, punctuation dropped, spaces as hyphens. */
  private static String githubAnchor(String heading) {
    return heading
        .strip()
        .toLowerCase(Locale.ROOT)
        .replaceAll("[^a-z0-9 _-]", "")
        .replace(' ', '-');
  }

  /** Runs promtool in {@code dir}; fails with its output unless it exits with 0. */
  private static String assertPromtoolSucceeds(Path dir, String... args) {
    List<String> command = new ArrayList<>();
    command.add("promtool");
    command.addAll(List.of(args));
    try {
      Process process =
          new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
      process.getOutputStream().close();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(PROMTOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(
            command + " did not finish within " + PROMTOOL_TIMEOUT_SECONDS + " s");
      }
      assertThat(process.exitValue())
          .as("%s in %s failed:%n%s", String.join(" ", command), dir, output)
          .isZero();
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot run promtool (Debian package prometheus): run 'bash interop/matrix.sh"
              + " --install-only'",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
