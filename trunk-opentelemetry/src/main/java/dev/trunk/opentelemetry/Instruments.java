package dev.trunk.opentelemetry;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.LongUpDownCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/** Builds instruments with the units and bucket advice of the metric table. */
final class Instruments {
  /** UCUM seconds, which the Prometheus exporter turns into the {@code _seconds} suffix. */
  static final String SECONDS = "s";

  /** UCUM bytes, which the Prometheus exporter turns into the {@code _bytes} suffix. */
  static final String BYTES = "By";

  private final Meter meter;

  Instruments(Meter meter) {
    this.meter = meter;
  }

  Meter meter() {
    return meter;
  }

  /** A counter whose values {@code callback} reports at each collection. */
  void observedCounter(
      String name, String unit, String description, Consumer<ObservableLongMeasurement> callback) {
    meter
        .counterBuilder(name)
        .setUnit(unit)
        .setDescription(description)
        .buildWithCallback(callback);
  }

  /** An up-down counter whose values {@code callback} reports at each collection. */
  void observedUpDownCounter(
      String name, String unit, String description, Consumer<ObservableLongMeasurement> callback) {
    meter
        .upDownCounterBuilder(name)
        .setUnit(unit)
        .setDescription(description)
        .buildWithCallback(callback);
  }

  /**
   * Reports {@code count} under {@code attributes} once it is above zero, as a synchronous counter
   * has a series only once something was added to it.
   */
  static void recordSeen(ObservableLongMeasurement counts, LongAdder count, Attributes attributes) {
    long value = count.sum();
    if (value > 0) {
      counts.record(value, attributes);
    }
  }

  LongCounter counter(String name, String unit, String description) {
    return meter.counterBuilder(name).setUnit(unit).setDescription(description).build();
  }

  LongUpDownCounter upDownCounter(String name, String unit, String description) {
    return meter.upDownCounterBuilder(name).setUnit(unit).setDescription(description).build();
  }

  DoubleHistogram seconds(String name, List<Double> buckets, String description) {
    return meter
        .histogramBuilder(name)
        .setUnit(SECONDS)
        .setDescription(description)
        .setExplicitBucketBoundariesAdvice(buckets)
        .build();
  }

  LongHistogram bytes(String name, String description) {
    return meter
        .histogramBuilder(name)
        .ofLongs()
        .setUnit(BYTES)
        .setDescription(description)
        .setExplicitBucketBoundariesAdvice(Buckets.SIZE_BYTES)
        .build();
  }

  /** Nanoseconds as the seconds the duration histograms record. */
  static double toSeconds(long nanos) {
    return nanos / 1e9;
  }
}
