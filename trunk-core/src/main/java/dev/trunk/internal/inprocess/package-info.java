/** The in-process transport: calls cross from client to server without sockets or HTTP/2. */
@NullMarked
package dev.trunk.internal.inprocess;

import org.jspecify.annotations.NullMarked;
