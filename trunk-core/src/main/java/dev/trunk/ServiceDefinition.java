package dev.trunk;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Descriptors.FileDescriptor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A service's name and its methods, each bound to a handler. Generated code builds one; so can
 * hand-written code:
 *
 * <pre>{@code
 * ServiceDefinition echo = ServiceDefinition.builder("demo.Echo")
 *     .unary(ECHO_METHOD, request -> request)
 *     .build();
 * }</pre>
 *
 * <p>Handlers run on a virtual thread per call by default and may block. Immutable once built.
 */
public final class ServiceDefinition {

  /**
   * Handles a unary call: one request in, one response out. Throw {@link StatusException} to fail.
   */
  @FunctionalInterface
  public interface UnaryHandler<Req, Resp> {
    Resp handle(Req request);
  }

  /** Handles a server-streaming call: one request in, any number of responses out. */
  @FunctionalInterface
  public interface ServerStreamingHandler<Req, Resp> {
    void handle(Req request, StreamSender<Resp> responses);
  }

  /** Handles a client-streaming call: requests in, one response out. */
  @FunctionalInterface
  public interface ClientStreamingHandler<Req, Resp> {
    Resp handle(StreamReceiver<Req> requests);
  }

  /** Handles a bidirectional-streaming call. */
  @FunctionalInterface
  public interface BidiStreamingHandler<Req, Resp> {
    void handle(StreamReceiver<Req> requests, StreamSender<Resp> responses);
  }

  /**
   * One method bound to its handler (one of the four handler interfaces) and the interceptors
   * attached to this method alone.
   */
  public record Method<Req, Resp>(
      MethodDescriptor<Req, Resp> descriptor, Object handler, List<Interceptor> interceptors) {
    public Method {
      requireNonNull(descriptor, "descriptor");
      requireNonNull(handler, "handler");
      interceptors = List.copyOf(interceptors);
    }

    /** A method without interceptors of its own. */
    public Method(MethodDescriptor<Req, Resp> descriptor, Object handler) {
      this(descriptor, handler, List.of());
    }

    private Method<Req, Resp> with(List<Interceptor> more) {
      return new Method<>(descriptor, handler, concat(interceptors, more));
    }
  }

  private final String name;
  private final Map<String, Method<?, ?>> methods;
  private final @Nullable FileDescriptor schema;
  private final List<Interceptor> interceptors;

  private ServiceDefinition(
      String name,
      Map<String, Method<?, ?>> methods,
      @Nullable FileDescriptor schema,
      List<Interceptor> interceptors) {
    this.name = name;
    this.methods = Collections.unmodifiableMap(new LinkedHashMap<>(methods));
    this.schema = schema;
    this.interceptors = interceptors;
  }

  /** Starts a definition of the service with this fully qualified name. */
  public static Builder builder(String serviceName) {
    return new Builder(requireNonNull(serviceName, "serviceName"));
  }

  /** The fully qualified service name, e.g. {@code routeguide.RouteGuide}. */
  public String name() {
    return name;
  }

  /** The bound methods, in declaration order. */
  public List<Method<?, ?>> methods() {
    return new ArrayList<>(methods.values());
  }

  /** The method with this simple name, if the service has it. */
  public Optional<Method<?, ?>> method(String methodName) {
    return Optional.ofNullable(methods.get(methodName));
  }

  /**
   * This service with {@code more} interceptors for each of its calls, after the ones it has. They
   * run after the server-wide ones ({@code Server.Builder.intercept}) and before any attached to
   * one method:
   *
   * <pre>{@code
   * Server.builder().service(new StoreService().serviceDefinition().intercept(auth))
   * }</pre>
   */
  public ServiceDefinition intercept(Interceptor... more) {
    return new ServiceDefinition(name, methods, schema, concat(interceptors, List.of(more)));
  }

  /**
   * This service with {@code more} interceptors for the calls of one method, after the ones that
   * method has.
   *
   * @param methodName the method's simple name as in the {@code .proto} file, e.g. {@code
   *     "DeleteItem"}
   * @throws IllegalArgumentException if the service has no such method
   */
  public ServiceDefinition intercept(String methodName, Interceptor... more) {
    Method<?, ?> method = methods.get(requireNonNull(methodName, "methodName"));
    if (method == null) {
      throw new IllegalArgumentException(
          "service "
              + name
              + " has no method "
              + methodName
              + "; its methods: "
              + methods.keySet());
    }
    Map<String, Method<?, ?>> changed = new LinkedHashMap<>(methods);
    changed.put(methodName, method.with(List.of(more)));
    return new ServiceDefinition(name, changed, schema, interceptors);
  }

  /** The interceptors attached to every method of this service, in order. */
  public List<Interceptor> interceptors() {
    return interceptors;
  }

  /** The {@code .proto} file that declares the service, if known (used by reflection). */
  public Optional<FileDescriptor> schema() {
    return Optional.ofNullable(schema);
  }

  @Override
  public String toString() {
    return "ServiceDefinition(" + name + ", " + methods.keySet() + ")";
  }

  /** Builds a {@link ServiceDefinition}. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private final Map<String, Method<?, ?>> methods = new LinkedHashMap<>();
    private @Nullable FileDescriptor schema;

    private Builder(String name) {
      this.name = name;
    }

    public <Req, Resp> Builder unary(
        MethodDescriptor<Req, Resp> method, UnaryHandler<Req, Resp> handler) {
      return add(method, MethodDescriptor.Type.UNARY, handler);
    }

    public <Req, Resp> Builder serverStreaming(
        MethodDescriptor<Req, Resp> method, ServerStreamingHandler<Req, Resp> handler) {
      return add(method, MethodDescriptor.Type.SERVER_STREAMING, handler);
    }

    public <Req, Resp> Builder clientStreaming(
        MethodDescriptor<Req, Resp> method, ClientStreamingHandler<Req, Resp> handler) {
      return add(method, MethodDescriptor.Type.CLIENT_STREAMING, handler);
    }

    public <Req, Resp> Builder bidiStreaming(
        MethodDescriptor<Req, Resp> method, BidiStreamingHandler<Req, Resp> handler) {
      return add(method, MethodDescriptor.Type.BIDI_STREAMING, handler);
    }

    /** The {@code .proto} file that declares this service, for server reflection. */
    public Builder schema(FileDescriptor file) {
      this.schema = requireNonNull(file, "file");
      return this;
    }

    public ServiceDefinition build() {
      return new ServiceDefinition(name, methods, schema, List.of());
    }

    private Builder add(MethodDescriptor<?, ?> method, MethodDescriptor.Type type, Object handler) {
      requireNonNull(method, "method");
      requireNonNull(handler, "handler");
      if (!method.serviceName().equals(name)) {
        throw new IllegalArgumentException(
            "method " + method.fullName() + " does not belong to service " + name);
      }
      if (method.type() != type) {
        throw new IllegalArgumentException(
            "method " + method.fullName() + " is " + method.type() + ", not " + type);
      }
      if (methods.putIfAbsent(method.methodName(), new Method<>(method, handler)) != null) {
        throw new IllegalArgumentException("method " + method.fullName() + " is bound twice");
      }
      return this;
    }
  }

  private static List<Interceptor> concat(List<Interceptor> first, List<Interceptor> then) {
    List<Interceptor> all = new ArrayList<>(first);
    then.forEach(interceptor -> all.add(requireNonNull(interceptor, "interceptor")));
    return List.copyOf(all);
  }
}
