package dev.trunk.opentelemetry;

import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.LongUpDownCounter;
import io.opentelemetry.api.metrics.Meter;
import java.util.List;

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
