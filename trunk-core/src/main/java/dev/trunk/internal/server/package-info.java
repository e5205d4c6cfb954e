/** Trunk's implementation; not API. Nothing here is exported from the module. */
@NullMarked
package dev.trunk.internal.server;

import org.jspecify.annotations.NullMarked;
