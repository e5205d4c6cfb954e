package dev.trunk.cli.bench;

import dev.trunk.Status;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * The end-of-run report: the counts, the latency percentiles, a latency histogram and the calls by
 * status code, printed as text here and written as JSON or CSV by {@link ReportFile}.
 */
final class Report {
  /** The percentiles reported, as ghz and k6 report them, and their names. */
  static final Map<String, Double> PERCENTILES =
      orderedMap("p50", 50.0, "p75", 75.0, "p90", 90.0, "p95", 95.0, "p99", 99.0, "p99.9", 99.9);

  /** Bars of the latency histogram: as many as ghz and hey draw. */
  static final int BUCKETS = 10;

  /** Width of the longest histogram bar, in characters. */
  static final int BAR_WIDTH = 40;

  /** One bar of the histogram: calls whose latency is in [from, to] nanoseconds. */
  record Bucket(long from, long to, long count) {}

  final String target;
  final String method;
  final Result result;
  final List<Threshold> thresholds;

  Report(String target, String method, Result result, List<Threshold> thresholds) {
    this.target = target;
    this.method = method;
    this.result = result;
    this.thresholds = List.copyOf(thresholds);
  }

  /** Latency by name: the {@link #PERCENTILES}, then max and mean, in nanoseconds. */
  Map<String, Double> latency() {
    Map<String, Double> latency = new LinkedHashMap<>();
    PERCENTILES.forEach((name, p) -> latency.put(name, (double) result.percentile(p)));
    latency.put("max", (double) result.latency().getMaxValue());
    latency.put("mean", result.ended() == 0 ? 0.0 : result.latency().getMean());
    return latency;
  }

  /** Calls by status code name, for the codes that occurred, in code order. */
  Map<String, Long> codes() {
    Map<String, Long> codes = new LinkedHashMap<>();
    for (Status.Code code : Status.Code.values()) {
      if (result.count(code) > 0) {
        codes.put(code.name(), result.count(code));
      }
    }
    return codes;
  }

  /**
   * The histogram: {@link #BUCKETS} buckets from the fastest to the slowest call, growing
   * geometrically so that a long tail does not squeeze every call into the first bar.
   */
  List<Bucket> buckets() {
    Histogram latency = result.latency();
    if (latency.getTotalCount() == 0) {
      return List.of();
    }
    long min = Math.max(1, latency.getMinValue());
    long max = Math.max(min, latency.getMaxValue());
    long[] bounds = new long[BUCKETS + 1];
    for (int i = 0; i <= BUCKETS; i++) {
      bounds[i] = Math.round(min * Math.pow((double) max / min, (double) i / BUCKETS));
    }
    bounds[BUCKETS] = max;
    long[] counts = new long[BUCKETS];
    for (HistogramIterationValue value : latency.recordedValues()) {
      long v = latency.highestEquivalentValue(value.getValueIteratedTo());
      int i = 0;
      while (i < BUCKETS - 1 && v > bounds[i + 1]) {
        i++;
      }
      counts[i] += value.getCountAtValueIteratedTo();
    }
    List<Bucket> buckets = new ArrayList<>();
    for (int i = 0; i < BUCKETS; i++) {
      buckets.add(new Bucket(bounds[i], bounds[i + 1], counts[i]));
    }
    return buckets;
  }

  /** The thresholds that hold, failing the run. */
  List<Threshold> failedThresholds() {
    return thresholds.stream().filter(t -> t.failed(result)).toList();
  }

  /** Prints the report as text. */
  void print(PrintWriter out) {
    out.printf(Locale.ROOT, "%s %s%n", method, target);
    out.printf(
        Locale.ROOT,
        "  calls %d in %.3f s: %.1f calls/s, %d ok, %d failed, %d not started (error rate %.2f%%)%n",
        result.ended(),
        result.elapsedNanos() / 1e9,
        result.rate(),
        result.count(Status.Code.OK),
        result.ended() - result.count(Status.Code.OK),
        result.notStarted(),
        result.errorRate() * 100);
    out.println("latency (ms):");
    latency().forEach((name, nanos) -> out.printf("  %-6s %12s%n", name, Durations.millis(nanos)));
    printHistogram(out);
    out.println("status codes:");
    codes().forEach((code, count) -> out.printf(Locale.ROOT, "  %-20s %d%n", code, count));
    for (Threshold threshold : thresholds) {
      String verdict = threshold.failed(result) ? "FAILED" : "passed";
      out.printf("threshold %s: %s%n", verdict, threshold.describe(result));
    }
    out.flush();
  }

  private void printHistogram(PrintWriter out) {
    List<Bucket> buckets = buckets();
    long most = buckets.stream().mapToLong(Bucket::count).max().orElse(0);
    if (most == 0) {
      return;
    }
    out.println("histogram (ms):");
    for (Bucket bucket : buckets) {
      int width = (int) Math.round((double) bucket.count() * BAR_WIDTH / most);
      out.printf(
          Locale.ROOT,
          "  %10s - %10s [%9d] %s%n",
          Durations.millis(bucket.from()),
          Durations.millis(bucket.to()),
          bucket.count(),
          "#".repeat(width));
    }
  }

  private static Map<String, Double> orderedMap(Object... pairs) {
    Map<String, Double> map = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put((String) pairs[i], (Double) pairs[i + 1]);
    }
    return java.util.Collections.unmodifiableMap(map);
  }
}
