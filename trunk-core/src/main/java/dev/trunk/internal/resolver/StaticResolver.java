package dev.trunk.internal.resolver;

import dev.trunk.spi.Endpoint;
import dev.trunk.spi.NameResolver;
import java.util.List;

/**
 * A resolver whose endpoints are written in the target ({@code ipv4:}, {@code unix:}, ...): it
 * reports them once, from {@link #start} on the caller's thread, and has nothing to refresh.
 */
final class StaticResolver implements NameResolver {
  private final Resolution resolution;

  StaticResolver(List<Endpoint> endpoints) {
    this.resolution = new Resolution(endpoints, null);
  }

  @Override
  public void start(Listener listener) {
    listener.onResult(resolution);
  }

  @Override
  public void refresh() {}

  @Override
  public void close() {}
}
