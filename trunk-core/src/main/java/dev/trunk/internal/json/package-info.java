/** A small strict JSON reader and writer for service configs (RFC 8259). */
@NullMarked
package dev.trunk.internal.json;

import org.jspecify.annotations.NullMarked;
