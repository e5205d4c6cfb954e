package dev.trunk.internal.server;

import dev.trunk.Interceptor;
import dev.trunk.ServiceDefinition;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The server's methods by HTTP/2 {@code :path}, and the count of its running handlers; immutable
 * once built.
 */
public final class MethodRegistry {
  // AsciiString keys: the :path the HPACK decoder produces is one, so a lookup copies nothing.
  private final Map<AsciiString, ServerMethod<?, ?>> byPath = new HashMap<>();
  private final RunningHandlers running = new RunningHandlers();
  private final List<Interceptor> serverInterceptors;

  /**
   * Registers blocking services (handlers on virtual threads), non-blocking ones (unary and
   * server-streaming handlers on the transport thread) and interruptible ones (blocking services
   * whose handler threads are interrupted when their call is cancelled). {@code serverInterceptors}
   * run for every call, before each service's and method's own.
   */
  public MethodRegistry(
      List<Interceptor> serverInterceptors,
      List<ServiceDefinition> services,
      List<ServiceDefinition> nonBlockingServices,
      List<ServiceDefinition> interruptibleServices) {
    this.serverInterceptors = serverInterceptors;
    services.forEach(service -> register(service, false, false));
    nonBlockingServices.forEach(service -> register(service, true, false));
    interruptibleServices.forEach(service -> register(service, false, true));
  }

  private void register(
      ServiceDefinition service, boolean onTransportThread, boolean interruptOnCancel) {
    for (ServiceDefinition.Method<?, ?> method : service.methods()) {
      ServerMethod<?, ?> entry = entry(service, method, onTransportThread, interruptOnCancel);
      if (byPath.putIfAbsent(AsciiString.of(method.descriptor().path()), entry) != null) {
        throw new IllegalArgumentException(
            "method " + method.descriptor().fullName() + " is registered twice");
      }
    }
  }

  private <Req, Resp> ServerMethod<Req, Resp> entry(
      ServiceDefinition service,
      ServiceDefinition.Method<Req, Resp> method,
      boolean onTransportThread,
      boolean interruptOnCancel) {
    List<Interceptor> interceptors = new ArrayList<>(serverInterceptors);
    interceptors.addAll(service.interceptors());
    interceptors.addAll(method.interceptors());
    return new ServerMethod<>(
        method.descriptor(),
        method.handler(),
        List.copyOf(interceptors),
        onTransportThread,
        interruptOnCancel,
        running);
  }

  /** The method served at {@code path} ({@code /service/method}), or null. */
  public @Nullable ServerMethod<?, ?> lookup(CharSequence path) {
    return byPath.get(path instanceof AsciiString ascii ? ascii : AsciiString.of(path));
  }

  /** The handlers of this server's calls that are running now. */
  public RunningHandlers running() {
    return running;
  }
}
