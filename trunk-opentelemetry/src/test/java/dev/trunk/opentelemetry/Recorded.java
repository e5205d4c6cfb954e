package dev.trunk.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.util.List;
import java.util.Optional;

/** An SDK that keeps what is recorded in memory, and lookups of its points by name and labels. */
final class Recorded implements AutoCloseable {
  private final InMemoryMetricReader reader = InMemoryMetricReader.create();
  private final OpenTelemetrySdk sdk =
      OpenTelemetrySdk.builder()
          .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build())
          .build();

  OpenTelemetry openTelemetry() {
    return sdk;
  }

  /** The metric named {@code name}, checked for its type and unit. */
  MetricData metric(String name, MetricDataType type, String unit) {
    Optional<MetricData> found =
        reader.collectAllMetrics().stream().filter(m -> m.getName().equals(name)).findFirst();
    assertThat(found).as("metric %s", name).isPresent();
    MetricData metric = found.orElseThrow();
    assertThat(metric.getType()).as("type of %s", name).isEqualTo(type);
    assertThat(metric.getUnit()).as("unit of %s", name).isEqualTo(unit);
    return metric;
  }

  /** Whether anything was recorded on {@code name}. */
  boolean has(String name) {
    return reader.collectAllMetrics().stream().anyMatch(m -> m.getName().equals(name));
  }

  /** The value of counter {@code name} (monotonic) with exactly {@code attributes}. */
  long counter(String name, String unit, Attributes attributes) {
    MetricData metric = metric(name, MetricDataType.LONG_SUM, unit);
    assertThat(metric.getLongSumData().isMonotonic()).as("%s is a counter", name).isTrue();
    return longPoint(metric, attributes).getValue();
  }

  /** The value of up-down counter {@code name} (not monotonic) with exactly {@code attributes}. */
  long upDown(String name, String unit, Attributes attributes) {
    MetricData metric = metric(name, MetricDataType.LONG_SUM, unit);
    assertThat(metric.getLongSumData().isMonotonic()).as("%s is up-down", name).isFalse();
    return longPoint(metric, attributes).getValue();
  }

  /** The point of histogram {@code name} with exactly {@code attributes}. */
  HistogramPointData histogram(String name, String unit, Attributes attributes) {
    MetricData metric = metric(name, MetricDataType.HISTOGRAM, unit);
    List<HistogramPointData> points =
        metric.getHistogramData().getPoints().stream()
            .filter(p -> p.getAttributes().equals(attributes))
            .toList();
    assertThat(points).as("%s points with %s", name, attributes).hasSize(1);
    return points.get(0);
  }

  private static LongPointData longPoint(MetricData metric, Attributes attributes) {
    List<LongPointData> points =
        metric.getLongSumData().getPoints().stream()
            .filter(p -> p.getAttributes().equals(attributes))
            .toList();
    assertThat(points)
        .as("%s points with %s among %s", metric.getName(), attributes, metric.getData())
        .hasSize(1);
    return points.get(0);
  }

  @Override
  public void close() {
    sdk.close();
  }
}
