/** Trunk's name resolvers, each behind a {@code NameResolver.Provider}. */
@NullMarked
package dev.trunk.internal.resolver;

import org.jspecify.annotations.NullMarked;
