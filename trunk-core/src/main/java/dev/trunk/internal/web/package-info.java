/**
 * The transport-free pieces of gRPC-Web (PROTOCOL-WEB.md) and the Connect protocol
 * (connectrpc.com/docs/protocol): Connect's error codes, error and end-of-stream JSON, its GET
 * query, the base64 body of {@code application/grpc-web-text}, and the proto3 JSON codec.
 */
@NullMarked
package dev.trunk.internal.web;

import org.jspecify.annotations.NullMarked;
