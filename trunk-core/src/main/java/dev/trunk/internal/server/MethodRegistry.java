package dev.trunk.internal.server;

import com.google.protobuf.DescriptorProtos.MethodOptions.IdempotencyLevel;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import dev.trunk.Codec;
import dev.trunk.EventListener;
import dev.trunk.Interceptor;
import dev.trunk.MethodDescriptor;
import dev.trunk.ServiceDefinition;
import dev.trunk.internal.web.HttpRoutes;
import dev.trunk.internal.web.JsonCodec;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The server's methods by HTTP/2 {@code :path}, and the count of its running handlers; immutable
 * once built.
 */
public final class MethodRegistry {
  // AsciiString keys: the :path the HPACK decoder produces is one, so a lookup copies nothing.
  /** The codec name of the proto3 JSON mapping, which every method with a schema also speaks. */
  static final String JSON = "json";

  private final Map<AsciiString, ServerMethod<?, ?>> byPath = new HashMap<>();
  // The same methods with another codec, by codec name and path (e.g. JSON for protobuf methods).
  private final Map<String, Map<AsciiString, ServerMethod<?, ?>>> byCodec = new HashMap<>();
  // Methods whose schema marks them idempotency_level = NO_SIDE_EFFECTS (Connect GET, caching).
  private final Set<MethodDescriptor<?, ?>> noSideEffects = new HashSet<>();
  // HTTP/JSON transcoding routes of unary protobuf methods with google.api.http options.
  private final HttpRoutes<ServerMethod<?, ?>> httpRoutes = new HttpRoutes<>();
  private final RunningHandlers running = new RunningHandlers();
  private final List<Interceptor> serverInterceptors;
  private final boolean ignoreUnknownJsonFields;
  private final EventListener events;

  /**
   * Registers blocking services (handlers on virtual threads), non-blocking ones (unary and
   * server-streaming handlers on the transport thread) and interruptible ones (blocking services
   * whose handler threads are interrupted when their call is cancelled). {@code serverInterceptors}
   * run for every call, before each service's and method's own; {@code events} sees every call.
   * {@code ignoreUnknownJsonFields}: the JSON twins skip request fields their message lacks instead
   * of failing the call.
   */
  public MethodRegistry(
      List<Interceptor> serverInterceptors,
      List<ServiceDefinition> services,
      List<ServiceDefinition> nonBlockingServices,
      List<ServiceDefinition> interruptibleServices,
      boolean ignoreUnknownJsonFields,
      EventListener events) {
    this.serverInterceptors = serverInterceptors;
    this.ignoreUnknownJsonFields = ignoreUnknownJsonFields;
    this.events = events;
    services.forEach(service -> register(service, false, false));
    nonBlockingServices.forEach(service -> register(service, true, false));
    interruptibleServices.forEach(service -> register(service, false, true));
  }

  /** The server's event listeners as one: for what happens outside a call, such as rejections. */
  public EventListener events() {
    return events;
  }

  private void register(
      ServiceDefinition service, boolean onTransportThread, boolean interruptOnCancel) {
    for (ServiceDefinition.Method<?, ?> method : service.methods()) {
      ServerMethod<?, ?> entry = entry(service, method, onTransportThread, interruptOnCancel);
      if (byPath.putIfAbsent(AsciiString.of(method.descriptor().path()), entry) != null) {
        throw new IllegalArgumentException(
            "method " + method.descriptor().fullName() + " is registered twice");
      }
      com.google.protobuf.Descriptors.MethodDescriptor schema = schemaOf(service, method);
      if (schema != null) {
        registerSchemaFeatures(entry, schema);
      }
    }
  }

  /**
   * What a method's schema allows: GET when side-effect free, JSON for protobuf methods, HTTP/JSON
   * transcoding for unary protobuf methods with {@code google.api.http} options.
   */
  private void registerSchemaFeatures(
      ServerMethod<?, ?> method, com.google.protobuf.Descriptors.MethodDescriptor schema) {
    boolean sideEffectFree =
        schema.getOptions().getIdempotencyLevel() == IdempotencyLevel.NO_SIDE_EFFECTS;
    if (sideEffectFree) {
      noSideEffects.add(method.descriptor());
    }
    if (!method.descriptor().requestCodec().name().equals(Codec.PROTO)) {
      return;
    }
    if (method.descriptor().type() == MethodDescriptor.Type.UNARY) {
      httpRoutes.add(method, schema);
    }
    ServerMethod<?, ?> json = jsonTwin(method, schema);
    if (sideEffectFree) {
      noSideEffects.add(json.descriptor());
    }
    byCodec
        .computeIfAbsent(JSON, codec -> new HashMap<>())
        .put(AsciiString.of(method.descriptor().path()), json);
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
        running,
        events);
  }

  /** The method served at {@code path} ({@code /service/method}), or null. */
  public @Nullable ServerMethod<?, ?> lookup(CharSequence path) {
    return byPath.get(path instanceof AsciiString ascii ? ascii : AsciiString.of(path));
  }

  /**
   * The method served at {@code path} with the codec named {@code codec} (a content-subtype such as
   * {@code json}) instead of its own, or null.
   */
  public @Nullable ServerMethod<?, ?> lookup(CharSequence path, String codec) {
    Map<AsciiString, ServerMethod<?, ?>> methods = byCodec.get(codec);
    return methods == null
        ? null
        : methods.get(path instanceof AsciiString ascii ? ascii : AsciiString.of(path));
  }

  /**
   * Whether the method's schema marks it {@code idempotency_level = NO_SIDE_EFFECTS}, so that it
   * may be called with GET (Connect protocol).
   */
  public boolean hasNoSideEffects(ServerMethod<?, ?> method) {
    return noSideEffects.contains(method.descriptor());
  }

  /** The HTTP routes of the unary methods whose schema has {@code google.api.http} options. */
  public HttpRoutes<ServerMethod<?, ?>> httpRoutes() {
    return httpRoutes;
  }

  /** The method's protobuf schema, if its service has one that declares it. */
  private static com.google.protobuf.Descriptors.@Nullable MethodDescriptor schemaOf(
      ServiceDefinition service, ServiceDefinition.Method<?, ?> method) {
    ServiceDescriptor schema =
        service
            .schema()
            .map(file -> file.findServiceByName(simpleName(service.name())))
            .orElse(null);
    return schema == null ? null : schema.findMethodByName(method.descriptor().methodName());
  }

  /**
   * The same method with the proto3 JSON mapping as its codec (application/json, +json), the
   * message types taken from its schema.
   */
  private <Req, Resp> ServerMethod<Req, Resp> jsonTwin(
      ServerMethod<Req, Resp> method, com.google.protobuf.Descriptors.MethodDescriptor schema) {
    MethodDescriptor<Req, Resp> proto = method.descriptor();
    MethodDescriptor<Req, Resp> json =
        MethodDescriptor.of(
            proto.serviceName(),
            proto.methodName(),
            proto.type(),
            JsonCodec.of(proto.requestCodec(), schema.getInputType(), ignoreUnknownJsonFields),
            JsonCodec.of(proto.responseCodec(), schema.getOutputType(), false));
    return new ServerMethod<>(
        json,
        method.handler(),
        method.interceptors(),
        method.onTransportThread(),
        method.interruptOnCancel(),
        method.running(),
        method.events());
  }

  private static String simpleName(String fullName) {
    return fullName.substring(fullName.lastIndexOf('.') + 1);
  }

  /** The handlers of this server's calls that are running now. */
  public RunningHandlers running() {
    return running;
  }
}
