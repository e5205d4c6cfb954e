package dev.trunk.opentelemetry;

import dev.trunk.Metadata;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import org.jspecify.annotations.Nullable;

/**
 * Reads and writes a propagator's headers ({@code traceparent}, {@code tracestate}, ...) in a
 * call's metadata. Binary ({@code -bin}) keys are skipped: text propagators use none.
 */
enum MetadataCarrier implements TextMapGetter<Metadata>, TextMapSetter<Metadata> {
  INSTANCE;

  @Override
  public @Nullable String get(@Nullable Metadata carrier, String key) {
    if (carrier == null || Metadata.isBinaryKey(key)) {
      return null;
    }
    return carrier.get(key);
  }

  /** Replaces the key's values: an attempt's metadata is a copy of one that may carry them. */
  @Override
  public void set(@Nullable Metadata carrier, String key, String value) {
    if (carrier == null || Metadata.isBinaryKey(key)) {
      return;
    }
    carrier.removeAll(key);
    carrier.add(key, value);
  }
}
