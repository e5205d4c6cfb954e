package dev.trunk.internal.server;

import dev.trunk.MethodDescriptor;

/**
 * A registered method: its descriptor, its handler, whether it runs on the I/O thread, whether its
 * handler thread is interrupted when its call is cancelled, and the server's count of running
 * handlers.
 */
public record ServerMethod<Req, Resp>(
    MethodDescriptor<Req, Resp> descriptor,
    Object handler,
    boolean onTransportThread,
    boolean interruptOnCancel,
    RunningHandlers running) {}
