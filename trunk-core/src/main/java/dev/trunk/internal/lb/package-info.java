/** Trunk's load-balancing policies, each behind a {@code LoadBalancer.Provider}. */
@NullMarked
package dev.trunk.internal.lb;

import org.jspecify.annotations.NullMarked;
