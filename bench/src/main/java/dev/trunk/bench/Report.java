package dev.trunk.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** Turns the comparison's rows into RATIO lines, a Markdown table and plots. */
final class Report {
  /** Servers in table order; pairs (0,2) and (1,3) are compared. */
  static final List<String> SERVERS =
      List.of("trunk", "trunk-eventloop", "grpc-java", "grpc-java-direct");

  private Report() {}

  /** The metrics worth a ratio for each scenario (lower is better unless named qps). */
  static List<String> metrics(String scenario) {
    return switch (scenario) {
      case "unary-latency", "streaming-latency", "open-loop-unary" -> List.of("p50_us", "p99_us");
      case "unary-1MB" -> List.of("p50_us", "p99_us", "qps");
      case "unary-throughput" -> List.of("qps");
      case "server-streaming" -> List.of("qps", "server_cpu_ns_per_msg");
      case "h2load-unary" ->
          List.of("qps", "cpu_us_per_call", "alloc_bytes_per_call", "write_syscalls_per_call");
      case "idle-connections", "idle-streams" ->
          List.of("heap_bytes_per_item", "rss_bytes_per_item");
      case "client-unary-latency", "client-streaming-latency" -> List.of("p50_us", "p99_us");
      case "client-unary-throughput" -> List.of("qps");
      default -> List.of();
    };
  }

  /** A readable name for a row's scenario and parameters, e.g. unary-throughput-1x256. */
  static String key(ResultRow row) {
    String scenario = row.string("scenario");
    String payload = size(row.number("payload"));
    return switch (scenario) {
      case "unary-latency", "streaming-latency" -> scenario + "-" + payload;
      case "unary-throughput" ->
          scenario
              + "-"
              + ResultRow.format(row.number("channels"))
              + "conn-"
              + ResultRow.format(row.number("in_flight"))
              + "inflight";
      case "h2load-unary" ->
          scenario + "-" + ResultRow.format(row.number("in_flight")) + "inflight-" + payload;
      case "idle-connections", "idle-streams" -> scenario;
      case "open-loop-unary" ->
          scenario + "-" + ResultRow.format(row.number("rate")) + "per_s-" + payload;
      case "server-streaming" -> scenario + "-" + payload + "-msgs";
      default -> scenario + (payload.isEmpty() ? "" : "-" + payload);
    };
  }

  static String size(double bytes) {
    if (Double.isNaN(bytes)) {
      return "";
    }
    long b = (long) bytes;
    if (b >= 1024 * 1024 && b % (1024 * 1024) == 0) {
      return b / (1024 * 1024) + "MB";
    }
    if (b >= 1024 && b % 1024 == 0) {
      return b / 1024 + "KB";
    }
    return b + "B";
  }

  /** One line describing a row, printed as the comparison goes. */
  static String describe(ResultRow row) {
    StringBuilder line =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%-17s %-40s load=%-23s",
                row.string("server"),
                key(row),
                row.string("load")));
    for (String metric :
        List.of(
            "qps",
            "p50_us",
            "p90_us",
            "p99_us",
            "p999_us",
            "max_us",
            "mean_us",
            "cpu_us_per_call",
            "alloc_bytes_per_call",
            "write_syscalls_per_call",
            "heap_bytes_per_item",
            "rss_bytes_per_item",
            "server_cpu_util",
            "server_cpu_ns_per_msg",
            "errors")) {
      double value = row.number(metric);
      if (!Double.isNaN(value)) {
        line.append(' ').append(metric).append('=').append(round(value));
      }
    }
    return line.toString();
  }

  // ---- ratios -----------------------------------------------------------------------------

  /** RATIO lines: trunk vs grpc-java (defaults) and trunk-eventloop vs grpc-java-direct. */
  static List<String> ratios(List<ResultRow> rows) {
    List<String> lines = new ArrayList<>();
    for (String[] pair :
        new String[][] {
          {"trunk", "grpc-java", "default"}, {"trunk-eventloop", "grpc-java-direct", "tuned"}
        }) {
      for (ResultRow trunk : rows) {
        if (!trunk.string("server").equals(pair[0]) || trunk.string("impl").equals("client")) {
          continue;
        }
        ResultRow grpc = match(rows, trunk, pair[1]);
        if (grpc == null) {
          continue;
        }
        for (String metric : metrics(trunk.string("scenario"))) {
          lines.add(
              ratioLine(
                  key(trunk) + "[" + pair[2] + "]",
                  metric,
                  trunk.number(metric),
                  grpc.number(metric),
                  pair[0] + " " + round(trunk.number(metric)),
                  pair[1] + " " + round(grpc.number(metric))));
        }
      }
    }
    // Trunk's blocking handlers (virtual threads) against its event-loop handlers, same load.
    for (ResultRow virtual : rows) {
      if (!virtual.string("server").equals("trunk")
          || !virtual.string("scenario").equals("h2load-unary")) {
        continue;
      }
      ResultRow eventLoop = match(rows, virtual, "trunk-eventloop");
      if (eventLoop != null) {
        lines.add(
            ratioLine(
                key(virtual) + "[virtual-thread vs event-loop handlers]",
                "qps",
                "virtual/eventloop",
                virtual.number("qps"),
                eventLoop.number("qps"),
                "trunk " + round(virtual.number("qps")),
                "trunk-eventloop " + round(eventLoop.number("qps"))));
      }
    }
    // What telemetry costs: a server with metrics and tracing on against itself with them off.
    for (ResultRow traced : rows) {
      String server = traced.string("server");
      int at = server.indexOf(Compare.TELEMETRY);
      if (at < 0) {
        continue;
      }
      String base = server.substring(0, at);
      ResultRow off = match(rows, traced, base);
      if (off == null) {
        continue;
      }
      for (String metric : metrics(traced.string("scenario"))) {
        lines.add(
            ratioLine(
                key(traced) + "[telemetry cost]",
                metric,
                server + "/" + base,
                traced.number(metric),
                off.number(metric),
                server + " " + round(traced.number(metric)),
                base + " " + round(off.number(metric))));
      }
    }
    // Clients against the same server.
    for (ResultRow trunk : rows) {
      if (!trunk.string("impl").equals("client-comparison")
          || !trunk.string("load").equals("trunk")) {
        continue;
      }
      for (String grpcClient : List.of("grpc-java-async", "grpc-java-async-default")) {
        ResultRow grpc = null;
        for (ResultRow r : rows) {
          if (r.string("impl").equals("client-comparison")
              && r.string("load").equals(grpcClient)
              && r.string("scenario").equals(trunk.string("scenario"))) {
            grpc = r;
          }
        }
        if (grpc == null) {
          continue;
        }
        String variant = grpcClient.endsWith("default") ? "default" : "direct";
        for (String metric : metrics(trunk.string("scenario"))) {
          lines.add(
              ratioLine(
                  key(trunk) + "[client vs AsyncClient " + variant + ", same server]",
                  metric,
                  trunk.number(metric),
                  grpc.number(metric),
                  "trunk-client " + round(trunk.number(metric)),
                  grpcClient + " " + round(grpc.number(metric))));
        }
      }
    }
    return lines;
  }

  private static String ratioLine(
      String scenario, String metric, double a, double b, String rawA, String rawB) {
    return ratioLine(scenario, metric, "trunk/grpc-java", a, b, rawA, rawB);
  }

  private static String ratioLine(
      String scenario, String metric, String label, double a, double b, String rawA, String rawB) {
    String ratio = b == 0 || Double.isNaN(a) || Double.isNaN(b) ? "n/a" : round(a / b);
    String better = metric.equals("qps") ? "higher is better" : "lower is better";
    return String.format(
        Locale.ROOT,
        "RATIO %s %s %s = %s   (%s, %s; %s)",
        scenario,
        metric,
        label,
        ratio,
        rawA,
        rawB,
        better);
  }

  private static @Nullable ResultRow match(List<ResultRow> rows, ResultRow like, String server) {
    for (ResultRow row : rows) {
      if (row.string("server").equals(server)
          && row.string("scenario").equals(like.string("scenario"))
          && row.string("load").equals(like.string("load"))
          && Objects.equals(row.number("in_flight"), like.number("in_flight"))
          && Objects.equals(row.number("channels"), like.number("channels"))
          && Objects.equals(row.number("payload"), like.number("payload"))) {
        return row;
      }
    }
    return null;
  }

  static String round(double value) {
    if (Double.isNaN(value)) {
      return "n/a";
    }
    double abs = Math.abs(value);
    if (abs >= 1000) {
      return String.format(Locale.ROOT, "%.0f", value);
    }
    if (abs >= 10) {
      return String.format(Locale.ROOT, "%.1f", value);
    }
    return String.format(Locale.ROOT, "%.3f", value);
  }

  // ---- markdown ---------------------------------------------------------------------------

  /** One table: each scenario and metric, the four servers side by side, and the two ratios. */
  static String markdown(List<ResultRow> rows) {
    StringBuilder out = new StringBuilder();
    out.append(
        "| scenario | metric | trunk | grpc-java | ratio (default) | trunk-eventloop |"
            + " grpc-java-direct | ratio (tuned) |\n");
    out.append("|---|---|---:|---:|---:|---:|---:|---:|\n");
    Map<String, Map<String, ResultRow>> byKey = new LinkedHashMap<>();
    for (ResultRow row : rows) {
      if (row.string("impl").equals("client-comparison")) {
        continue;
      }
      byKey
          .computeIfAbsent(key(row) + " (" + row.string("load") + ")", k -> new LinkedHashMap<>())
          .put(row.string("server"), row);
    }
    for (Map.Entry<String, Map<String, ResultRow>> entry : byKey.entrySet()) {
      Map<String, ResultRow> servers = entry.getValue();
      String scenario = servers.values().iterator().next().string("scenario");
      for (String metric : metrics(scenario)) {
        double[] v = new double[4];
        for (int i = 0; i < 4; i++) {
          ResultRow row = servers.get(SERVERS.get(i));
          v[i] = row == null ? Double.NaN : row.number(metric);
        }
        out.append(
            String.format(
                Locale.ROOT,
                "| %s | %s | %s | %s | %s | %s | %s | %s |%n",
                entry.getKey(),
                metric,
                round(v[0]),
                round(v[2]),
                v[2] == 0 ? "n/a" : round(v[0] / v[2]),
                round(v[1]),
                round(v[3]),
                v[3] == 0 ? "n/a" : round(v[1] / v[3])));
      }
    }
    out.append("\nClients against the same server (grpc-java-direct):\n\n");
    out.append("| scenario | client | qps | p50_us | p90_us | p99_us | p999_us | max_us |\n");
    out.append("|---|---|---:|---:|---:|---:|---:|---:|\n");
    for (ResultRow row : rows) {
      if (!row.string("impl").equals("client-comparison")) {
        continue;
      }
      out.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %s | %s | %s | %s | %s |%n",
              key(row),
              row.string("load"),
              round(row.number("qps")),
              round(row.number("p50_us")),
              round(row.number("p90_us")),
              round(row.number("p99_us")),
              round(row.number("p999_us")),
              round(row.number("max_us"))));
    }
    return out.toString();
  }

  // ---- plots ------------------------------------------------------------------------------

  static void plots(List<ResultRow> rows, Path dir) throws IOException {
    List<String> percentiles = List.of("p50_us", "p90_us", "p99_us", "p999_us", "max_us");
    List<String> labels = List.of("p50", "p90", "p99", "p99.9", "max");

    List<Plot.Series> latency = new ArrayList<>();
    List<Plot.Series> streaming = new ArrayList<>();
    List<Plot.Series> bySize = new ArrayList<>();
    List<Plot.Series> throughput = new ArrayList<>();
    for (String server : SERVERS) {
      ResultRow unary100 = find(rows, server, "unary-latency", 100);
      if (unary100 != null) {
        latency.add(percentileSeries(server, unary100, percentiles, false));
      }
      ResultRow stream = find(rows, server, "streaming-latency", 100);
      if (stream != null) {
        streaming.add(percentileSeries(server, stream, percentiles, false));
      }
      List<double[]> sizes = new ArrayList<>();
      List<double[]> oneConn = new ArrayList<>();
      List<double[]> fiftyConn = new ArrayList<>();
      for (ResultRow row : rows) {
        if (!row.string("server").equals(server) || row.string("impl").contains("client")) {
          continue;
        }
        String scenario = row.string("scenario");
        if (scenario.equals("unary-latency")) {
          sizes.add(new double[] {Math.max(1, row.number("payload")), row.number("p50_us")});
        }
        boolean sweep =
            scenario.equals("unary-throughput")
                || (scenario.equals("unary-latency") && row.number("payload") == 100);
        if (sweep) {
          double[] point = {row.number("in_flight"), row.number("qps")};
          (row.number("channels") == 1 ? oneConn : fiftyConn).add(point);
        }
      }
      if (!sizes.isEmpty()) {
        bySize.add(new Plot.Series(server, sizes, false));
      }
      if (!oneConn.isEmpty()) {
        throughput.add(new Plot.Series(server + " (1 conn)", oneConn, false));
      }
      if (!fiftyConn.isEmpty()) {
        throughput.add(new Plot.Series(server + " (50 conns)", fiftyConn, true));
      }
    }
    if (!latency.isEmpty()) {
      Plot.categories(
          "Unary ping-pong latency, 100 B, 1 call in flight (AsyncClient)",
          labels,
          "latency (us, log)",
          latency,
          dir.resolve("latency-percentiles.png"));
    }
    if (!streaming.isEmpty()) {
      Plot.categories(
          "Streaming ping-pong latency, 100 B (AsyncClient)",
          labels,
          "latency (us, log)",
          streaming,
          dir.resolve("streaming-latency-percentiles.png"));
    }
    if (!bySize.isEmpty()) {
      Plot.numeric(
          "Unary p50 latency by message size (1 in flight)",
          "message size each way (bytes, log; 0 B drawn at 1)",
          "p50 latency (us, log)",
          bySize,
          true,
          true,
          dir.resolve("latency-by-size.png"));
    }
    if (!throughput.isEmpty()) {
      Plot.numeric(
          "Closed-loop unary throughput, 100 B (AsyncClient)",
          "calls in flight (log)",
          "calls/s",
          throughput,
          true,
          false,
          dir.resolve("throughput.png"));
    }
  }

  private static Plot.Series percentileSeries(
      String name, ResultRow row, List<String> percentiles, boolean dashed) {
    List<double[]> points = new ArrayList<>();
    for (int i = 0; i < percentiles.size(); i++) {
      points.add(new double[] {i, row.number(percentiles.get(i))});
    }
    return new Plot.Series(name, points, dashed);
  }

  private static @Nullable ResultRow find(
      List<ResultRow> rows, String server, String scenario, double payload) {
    for (ResultRow row : rows) {
      if (row.string("server").equals(server)
          && row.string("scenario").equals(scenario)
          && row.number("payload") == payload
          && !row.string("impl").contains("client")) {
        return row;
      }
    }
    return null;
  }
}
