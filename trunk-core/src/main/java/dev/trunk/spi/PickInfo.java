package dev.trunk.spi;

import dev.trunk.Metadata;
import dev.trunk.MethodDescriptor;

/**
 * Experimental: what a {@link Picker} knows about the call it places.
 *
 * @param method the method called
 * @param metadata the call's request metadata (read only: a picker must not change it)
 * @param hash a hash for affinity: the {@code ring_hash} policy's request hash, read from the
 *     header its config names (or random when the call has none)
 */
public record PickInfo(MethodDescriptor<?, ?> method, Metadata metadata, long hash) {}
