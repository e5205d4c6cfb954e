/**
 * Trunk's public API: a gRPC server and client for Java 21+ with plain blocking handlers on virtual
 * threads.
 *
 * <p>Everything in this package is non-null unless marked {@code @Nullable}. The main nouns are
 * {@link dev.trunk.Server}, {@link dev.trunk.Channel}, {@link dev.trunk.Status}, {@link
 * dev.trunk.Metadata}, {@link dev.trunk.MethodDescriptor}, {@link dev.trunk.ServiceDefinition} and
 * {@link dev.trunk.Interceptor}.
 */
@NullMarked
package dev.trunk;

import org.jspecify.annotations.NullMarked;
