/** The pieces of gRPC-Web and Connect that need no transport: base64 text, JSON, error forms. */
@NullMarked
package dev.trunk.internal.web;

import org.jspecify.annotations.NullMarked;
