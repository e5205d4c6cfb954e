package dev.trunk.interop;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads the observability artefacts (Prometheus rules, Grafana dashboards, the metric contract in
 * docs/observability.md) for {@link PrometheusRulesIT}: the PromQL they hold and the metric names
 * that PromQL uses.
 */
final class ObservabilityFiles {
  /** Metric names the contract governs: Trunk's, gRFC A66's and the JVM runtime's. */
  private static final Pattern CONTRACT_NAME =
      Pattern.compile("(?<![A-Za-z0-9_:])(?:grpc|trunk|jvm)_[a-z0-9_]+(?![A-Za-z0-9_:])");

  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_:][A-Za-z0-9_:]*");
  private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
  private static final Pattern MATCHERS = Pattern.compile("\\{[^{}]*}");
  private static final Pattern LABEL_LIST =
      Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
  private static final Pattern LABEL_VALUES = Pattern.compile("^label_values\\((.*),\\s*\\w+\\)$");
  private static final Pattern RULE_KEY =
      Pattern.compile("^(\\s*)(?:- )?(record|alert|expr): ?(.*)$");
  private static final Pattern CODE_SPAN = Pattern.compile("`([^`]+)`");

  /** A query starts with a function or a lower-case metric or rule name (not an alert's name). */
  private static final Pattern QUERY_START = Pattern.compile("[0-9a-z_:(]");

  /** A comparison with a number at the end of a query, as in {@code resets(...) > 0}. */
  private static final Pattern THRESHOLD = Pattern.compile("\\s*(>|<|>=|<=|==|!=)\\s*[0-9.]+$");

  private static final List<String> HISTOGRAM_SUFFIXES = List.of("_bucket", "_sum", "_count");

  /**
   * Concrete values for Grafana's variables, so a dashboard query becomes plain PromQL: the longest
   * names first, since {@code $__range} must not be taken for {@code $__rate_interval}.
   */
  private static final Map<String, String> GRAFANA_VARIABLES = grafanaVariables();

  private ObservabilityFiles() {}

  private static Map<String, String> grafanaVariables() {
    Map<String, String> values = new LinkedHashMap<>();
    values.put("$__rate_interval", "1m");
    values.put("$__interval", "15s");
    values.put("$__range", "1h");
    values.put("$grpc_method", ".*");
    values.put("$instance", ".*");
    values.put("$job", ".*");
    return values;
  }

  /** The repository's root: the interop module's parent. */
  static Path repoDir() {
    Path module = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
    Path repo = module.getParent();
    if (repo == null || !Files.isDirectory(repo.resolve("observability"))) {
      throw new IllegalStateException(module + " is not the interop module of the repository");
    }
    return repo;
  }

  static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** Every dashboard JSON file of observability/grafana. */
  static List<Path> dashboards() {
    try (Stream<Path> files = Files.list(repoDir().resolve("observability/grafana"))) {
      return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonObject json(Path file) {
    return JsonParser.parseString(read(file)).getAsJsonObject();
  }

  /**
   * The PromQL of a dashboard, variables substituted: each panel's targets, each annotation's
   * query, and the series selector of each {@code label_values} variable.
   */
  static List<String> dashboardQueries(JsonObject dashboard) {
    List<String> queries = new ArrayList<>();
    for (JsonElement panel : dashboard.getAsJsonArray("panels")) {
      for (JsonElement target : panel.getAsJsonObject().getAsJsonArray("targets")) {
        queries.add(target.getAsJsonObject().get("expr").getAsString());
      }
    }
    for (JsonElement annotation : dashboard.getAsJsonObject("annotations").getAsJsonArray("list")) {
      JsonElement expr = annotation.getAsJsonObject().get("expr");
      if (expr != null) {
        queries.add(expr.getAsString());
      }
    }
    for (JsonElement variable : dashboard.getAsJsonObject("templating").getAsJsonArray("list")) {
      JsonElement definition = variable.getAsJsonObject().get("definition");
      if (definition != null) {
        Matcher m = LABEL_VALUES.matcher(definition.getAsString());
        if (m.matches()) {
          queries.add(m.group(1));
        }
      }
    }
    return queries.stream().map(ObservabilityFiles::substituteVariables).toList();
  }

  private static String substituteVariables(String query) {
    String result = query;
    for (Map.Entry<String, String> variable : GRAFANA_VARIABLES.entrySet()) {
      result = result.replace(variable.getKey(), variable.getValue());
    }
    return result;
  }

  /** The values of every {@code record:}, {@code alert:} or {@code expr:} key of a rules file. */
  static List<String> ruleValues(String rulesYaml, String key) {
    List<String> values = new ArrayList<>();
    String[] lines = rulesYaml.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      Matcher m = RULE_KEY.matcher(lines[i]);
      if (!m.matches() || !m.group(2).equals(key)) {
        continue;
      }
      if (!m.group(3).equals("|")) {
        values.add(m.group(3));
        continue;
      }
      StringBuilder block = new StringBuilder();
      int indent = lines[i].indexOf(key) + 1;
      while (i + 1 < lines.length && indentOf(lines[i + 1]) > indent) {
        block.append(lines[++i].strip()).append('\n');
      }
      values.add(block.toString());
    }
    return values;
  }

  private static int indentOf(String line) {
    return line.isBlank() ? Integer.MAX_VALUE : line.length() - line.stripLeading().length();
  }

  /**
   * The {@code grpc_}, {@code trunk_} and {@code jvm_} metric names a PromQL expression selects:
   * string literals, label matchers and label lists ({@code by (...)}, {@code on (...)}...) are
   * taken out first, so label names such as {@code grpc_method} are not counted.
   */
  static Set<String> metricNames(String promQl) {
    String names = STRING.matcher(promQl).replaceAll(" ");
    names = MATCHERS.matcher(names).replaceAll(" ");
    names = LABEL_LIST.matcher(names).replaceAll(" ");
    Set<String> found = new TreeSet<>();
    Matcher m = IDENTIFIER.matcher(names);
    while (m.find()) {
      if (CONTRACT_NAME.matcher(m.group()).matches()) {
        found.add(m.group());
      }
    }
    return found;
  }

  /**
   * The metric names docs/observability.md allows: the "Prometheus series" column of its tables; a
   * histogram series listed allows its family's three.
   */
  static Set<String> contractNames() {
    Set<String> names = new TreeSet<>();
    int column = -1;
    for (String line : read(repoDir().resolve("docs/observability.md")).split("\n")) {
      if (!line.startsWith("|")) {
        column = -1;
        continue;
      }
      List<String> cells = List.of(line.split("\\|", -1));
      if (column < 0) {
        column = cells.stream().map(String::strip).toList().indexOf("Prometheus series");
        continue;
      }
      Matcher m = CONTRACT_NAME.matcher(cells.get(column));
      while (m.find()) {
        names.addAll(family(m.group()));
      }
    }
    return names;
  }

  /**
   * The queries of docs/observability.md's "PromQL" column: each code span that is a query (not an
   * alert's name, not a "the same for ..." fragment), a trailing threshold ({@code > 0}) cut off so
   * that it returns data whatever the value.
   */
  static List<String> documentedQueries() {
    List<String> queries = new ArrayList<>();
    int column = -1;
    for (String line : read(repoDir().resolve("docs/observability.md")).split("\n")) {
      if (!line.startsWith("|")) {
        column = -1;
        continue;
      }
      List<String> cells = List.of(line.split("\\|", -1));
      if (column < 0) {
        column = cells.stream().map(String::strip).toList().indexOf("PromQL");
        continue;
      }
      if (column < 0 || column >= cells.size()) {
        continue;
      }
      Matcher span = CODE_SPAN.matcher(cells.get(column));
      while (span.find()) {
        String query = span.group(1);
        if (QUERY_START.matcher(query).lookingAt() && !query.contains("\u2026")) {
          queries.add(withoutThreshold(query));
        }
      }
    }
    return queries;
  }

  /** {@code query} without a comparison with a number at its end, such as {@code > 0}. */
  static String withoutThreshold(String query) {
    return THRESHOLD.matcher(query).replaceFirst("");
  }

  private static List<String> family(String name) {
    for (String suffix : HISTOGRAM_SUFFIXES) {
      if (name.endsWith(suffix)) {
        String base = name.substring(0, name.length() - suffix.length());
        return HISTOGRAM_SUFFIXES.stream().map(s -> base + s).toList();
      }
    }
    return List.of(name);
  }
}
