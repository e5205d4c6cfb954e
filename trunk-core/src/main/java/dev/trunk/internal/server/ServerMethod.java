package dev.trunk.internal.server;

import dev.trunk.EventListener;
import dev.trunk.Interceptor;
import dev.trunk.MethodDescriptor;
import java.util.List;

/**
 * A registered method: its descriptor, its handler, its interceptors (the server's, then the
 * service's, then the method's own), whether it runs on the I/O thread, whether its handler thread
 * is interrupted when its call is cancelled, the server's count of running handlers and its event
 * listener.
 */
public record ServerMethod<Req, Resp>(
    MethodDescriptor<Req, Resp> descriptor,
    Object handler,
    List<Interceptor> interceptors,
    boolean onTransportThread,
    boolean interruptOnCancel,
    RunningHandlers running,
    EventListener events) {}
