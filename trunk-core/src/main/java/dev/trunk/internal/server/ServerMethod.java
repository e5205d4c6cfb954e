package dev.trunk.internal.server;

import dev.trunk.MethodDescriptor;

/** A registered method: its descriptor, its handler and whether it runs on the I/O thread. */
public record ServerMethod<Req, Resp>(
    MethodDescriptor<Req, Resp> descriptor, Object handler, boolean onTransportThread) {}
