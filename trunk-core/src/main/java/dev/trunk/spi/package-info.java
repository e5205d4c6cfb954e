/**
 * Experimental: the extension points of Trunk's client, for name resolution and load balancing.
 * These interfaces may change between minor versions.
 *
 * <p>A channel turns its target into {@link dev.trunk.spi.Endpoint endpoints} with the {@link
 * dev.trunk.spi.NameResolver} registered for the target's scheme, hands them to the {@link
 * dev.trunk.spi.LoadBalancer} its service config names, which opens {@link dev.trunk.spi.Subchannel
 * subchannels} (one logical connection each) and gives the channel a {@link dev.trunk.spi.Picker}
 * that chooses a subchannel for each call. Providers are found with {@link java.util.ServiceLoader}
 * (or registered on {@code Channel.Builder}).
 *
 * <p>Threads: every method of a load balancer, and every subchannel state callback, runs in the
 * channel's <em>control context</em>: one task at a time, never on an I/O thread, so a balancer
 * needs no locks. Pickers run on the threads that start calls and must be thread-safe (usually
 * immutable). Resolvers may report from any thread. Everything is non-null unless marked
 * {@code @Nullable}. See {@code docs/client.md}.
 */
@NullMarked
package dev.trunk.spi;

import org.jspecify.annotations.NullMarked;
