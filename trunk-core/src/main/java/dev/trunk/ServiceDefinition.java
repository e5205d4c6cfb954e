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

  /** One method bound to its handler; the handler is one of the four handler interfaces. */
  public record Method<Req, Resp>(MethodDescriptor<Req, Resp> descriptor, Object handler) {
    public Method {
      requireNonNull(descriptor, "descriptor");
      requireNonNull(handler, "handler");
    }
  }

  private final String name;
  private final Map<String, Method<?, ?>> methods;
  private final @Nullable FileDescriptor schema;

  private ServiceDefinition(Builder builder) {
    this.name = builder.name;
    this.methods = Collections.unmodifiableMap(new LinkedHashMap<>(builder.methods));
    this.schema = builder.schema;
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
      return new ServiceDefinition(this);
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
}
