package dev.trunk.cli.bench;

import dev.trunk.Status;
import dev.trunk.cli.CliException;
import dev.trunk.cli.ExitCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes a {@link Report} to {@code --report FILE}: JSON for a {@code .json} name, CSV for {@code
 * .csv}. Latencies are in milliseconds. The CSV has one {@code section,name,value} row per figure
 * of the JSON.
 */
final class ReportFile {
  private ReportFile() {}

  /**
   * Checks that {@code path} names a format, before the run.
   *
   * @throws CliException ({@link ExitCode#USAGE}) if it ends neither in .json nor in .csv
   */
  static void check(Path path) {
    String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
    if (!name.endsWith(".json") && !name.endsWith(".csv")) {
      throw new CliException(
          ExitCode.USAGE, "--report " + path + ": the name must end in .json or .csv");
    }
  }

  /** Writes {@code report} to {@code path}, in the format its name says. */
  static void write(Report report, Path path) {
    check(path);
    boolean json = path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json");
    String text = json ? json(report) : csv(report);
    try {
      Files.writeString(path, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CliException(
          ExitCode.USAGE, "cannot write the report " + path + ": " + e.getMessage(), e);
    }
  }

  /** One figure of the report. */
  private record Row(String section, String name, Object value) {}

  private static List<Row> rows(Report report) {
    Result result = report.result;
    List<Row> rows = new ArrayList<>();
    rows.add(new Row("run", "target", report.target));
    rows.add(new Row("run", "method", report.method));
    rows.add(new Row("run", "calls", result.ended()));
    rows.add(new Row("run", "ok", result.count(Status.Code.OK)));
    rows.add(new Row("run", "failed", result.ended() - result.count(Status.Code.OK)));
    rows.add(new Row("run", "not_started", result.notStarted()));
    rows.add(new Row("run", "duration_s", result.elapsedNanos() / 1e9));
    rows.add(new Row("run", "rps", result.rate()));
    rows.add(new Row("run", "error_rate", result.errorRate()));
    report.latency().forEach((name, nanos) -> rows.add(new Row("latency_ms", name, nanos / 1e6)));
    for (Report.Bucket bucket : report.buckets()) {
      String range = bucket.from() / 1e6 + "-" + bucket.to() / 1e6;
      rows.add(new Row("histogram_ms", range, bucket.count()));
    }
    report.codes().forEach((code, count) -> rows.add(new Row("status_codes", code, count)));
    for (Threshold threshold : report.thresholds) {
      rows.add(new Row("thresholds", threshold.text(), threshold.failed(result) ? "failed" : "ok"));
    }
    return rows;
  }

  static String csv(Report report) {
    StringBuilder csv = new StringBuilder("section,name,value\n");
    for (Row row : rows(report)) {
      csv.append(row.section())
          .append(',')
          .append(csvField(row.name()))
          .append(',')
          .append(csvField(String.valueOf(row.value())))
          .append('\n');
    }
    return csv.toString();
  }

  /**
   * The report as a JSON object: the run's figures at the top level, the other sections as objects.
   */
  static String json(Report report) {
    StringBuilder json = new StringBuilder("{");
    String section = null;
    boolean first = true;
    for (Row row : rows(report)) {
      boolean top = row.section().equals("run");
      if (!top && !row.section().equals(section)) {
        json.append(section == null ? "" : "\n  }").append(first ? "" : ",");
        json.append("\n  ").append(quote(row.section())).append(": {");
        section = row.section();
        first = true;
      }
      json.append(first ? "" : ",").append(top ? "\n  " : "\n    ");
      json.append(quote(row.name())).append(": ").append(value(row.value()));
      first = false;
    }
    return json.append(section == null ? "" : "\n  }").append("\n}\n").toString();
  }

  private static String value(Object value) {
    if (value instanceof Double d) {
      return Double.isFinite(d) ? String.format(Locale.ROOT, "%.6f", d) : "null";
    }
    return value instanceof Number ? value.toString() : quote(value.toString());
  }

  private static String quote(String text) {
    StringBuilder quoted = new StringBuilder("\"");
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> quoted.append("\\\"");
        case '\\' -> quoted.append("\\\\");
        default -> {
          if (c < 0x20) {
            quoted.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            quoted.append(c);
          }
        }
      }
    }
    return quoted.append('"').toString();
  }

  private static String csvField(String field) {
    boolean plain = field.chars().noneMatch(c -> c == ',' || c == '"' || c == '\n' || c == '\r');
    return plain ? field : "\"" + field.replace("\"", "\"\"") + "\"";
  }
}
