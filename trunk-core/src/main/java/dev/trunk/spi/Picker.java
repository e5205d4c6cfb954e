package dev.trunk.spi;

/**
 * Experimental: chooses where one call goes. A {@link LoadBalancer} publishes a new picker each
 * time its view of the subchannels changes; the channel asks the newest picker for every call and
 * again for calls that waited.
 *
 * <p>Threads: called on the threads that start calls, concurrently; must be thread-safe, fast and
 * never block (usually an immutable snapshot with an atomic counter).
 *
 * <pre>{@code
 * Picker first = info -> PickResult.of(readySubchannels.get(0));
 * }</pre>
 */
@FunctionalInterface
public interface Picker {
  /** Where the call described by {@code info} goes, or that it waits or fails. */
  PickResult pick(PickInfo info);
}
