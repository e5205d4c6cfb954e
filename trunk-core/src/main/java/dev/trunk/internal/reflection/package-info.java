/**
 * gRPC server reflection ({@code grpc.reflection.v1} and {@code v1alpha}); not API. Nothing here is
 * exported from the module.
 */
@NullMarked
package dev.trunk.internal.reflection;

import org.jspecify.annotations.NullMarked;
