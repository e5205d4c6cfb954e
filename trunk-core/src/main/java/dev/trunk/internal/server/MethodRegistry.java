package dev.trunk.internal.server;

import dev.trunk.ServiceDefinition;
import io.netty.util.AsciiString;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The server's methods by HTTP/2 {@code :path}; immutable once built. */
public final class MethodRegistry {
  // AsciiString keys: the :path the HPACK decoder produces is one, so a lookup copies nothing.
  private final Map<AsciiString, ServerMethod<?, ?>> byPath = new HashMap<>();

  public MethodRegistry(
      List<ServiceDefinition> services, List<ServiceDefinition> nonBlockingServices) {
    services.forEach(service -> register(service, false));
    nonBlockingServices.forEach(service -> register(service, true));
  }

  private void register(ServiceDefinition service, boolean onTransportThread) {
    for (ServiceDefinition.Method<?, ?> method : service.methods()) {
      ServerMethod<?, ?> entry = entry(method, onTransportThread);
      if (byPath.putIfAbsent(AsciiString.of(method.descriptor().path()), entry) != null) {
        throw new IllegalArgumentException(
            "method " + method.descriptor().fullName() + " is registered twice");
      }
    }
  }

  private static <Req, Resp> ServerMethod<Req, Resp> entry(
      ServiceDefinition.Method<Req, Resp> method, boolean onTransportThread) {
    return new ServerMethod<>(method.descriptor(), method.handler(), onTransportThread);
  }

  /** The method served at {@code path} ({@code /service/method}), or null. */
  public @Nullable ServerMethod<?, ?> lookup(CharSequence path) {
    return byPath.get(path instanceof AsciiString ascii ? ascii : AsciiString.of(path));
  }
}
