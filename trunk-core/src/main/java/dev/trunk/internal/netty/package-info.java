/** Trunk's implementation; not API. Nothing here is exported from the module. */
@NullMarked
package dev.trunk.internal.netty;

import org.jspecify.annotations.NullMarked;
