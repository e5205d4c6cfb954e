/**
 * Trunk's load-balancing policies, each behind a {@code LoadBalancer.Provider} found with {@link
 * java.util.ServiceLoader}: {@code pick_first} (the default), {@code round_robin}, {@code
 * least_request_experimental}, {@code ring_hash_experimental} and {@code
 * outlier_detection_experimental}. Not API.
 *
 * <p>Threads: a policy runs in its channel's control context (one task at a time, no locks); its
 * pickers run on calling threads and only read immutable snapshots and atomic counters.
 */
@NullMarked
package dev.trunk.internal.lb;

import org.jspecify.annotations.NullMarked;
