/** Service config (gRFC A2, A6, A21): its parsed form and its JSON parser. */
@NullMarked
package dev.trunk.internal.client.config;

import org.jspecify.annotations.NullMarked;
