/**
 * The built-in name resolvers of gRPC's naming document ({@code dns}, {@code ipv4}, {@code ipv6},
 * {@code unix}, {@code unix-abstract}, {@code passthrough}), found by {@link
 * java.util.ServiceLoader} as {@link dev.trunk.spi.NameResolver.Provider}s. Trunk's implementation;
 * not API.
 */
@NullMarked
package dev.trunk.internal.resolver;

import org.jspecify.annotations.NullMarked;
