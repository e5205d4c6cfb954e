/** The standard health service, {@code grpc.health.v1.Health}. */
@NullMarked
package dev.trunk.internal.health;

import org.jspecify.annotations.NullMarked;
