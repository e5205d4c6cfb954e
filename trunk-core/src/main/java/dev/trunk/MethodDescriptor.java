package dev.trunk;

import static java.util.Objects.requireNonNull;

/**
 * Describes one RPC method: its full name, its kind and the codecs of its messages.
 *
 * <p>Immutable and thread-safe; generated code holds one constant per method.
 *
 * <pre>{@code
 * MethodDescriptor<Point, Feature> GET_FEATURE = MethodDescriptor.of(
 *     "routeguide.RouteGuide", "GetFeature", MethodDescriptor.Type.UNARY,
 *     Codec.protobuf(Point.getDefaultInstance()), Codec.protobuf(Feature.getDefaultInstance()));
 * }</pre>
 *
 * @param <Req> the request message type
 * @param <Resp> the response message type
 */
public final class MethodDescriptor<Req, Resp> {

  /** The four kinds of call. */
  public enum Type {
    /** One request, one response. */
    UNARY,
    /** One request, a stream of responses. */
    SERVER_STREAMING,
    /** A stream of requests, one response. */
    CLIENT_STREAMING,
    /** A stream of requests and a stream of responses. */
    BIDI_STREAMING;

    /** Whether the client sends exactly one message. */
    public boolean clientSendsOne() {
      return this == UNARY || this == SERVER_STREAMING;
    }

    /** Whether the server sends exactly one message. */
    public boolean serverSendsOne() {
      return this == UNARY || this == CLIENT_STREAMING;
    }
  }

  private final String serviceName;
  private final String methodName;
  private final String fullName;
  private final String path;
  private final Type type;
  private final Codec<Req> requestCodec;
  private final Codec<Resp> responseCodec;
  private final boolean noSideEffects;

  private MethodDescriptor(
      String serviceName,
      String methodName,
      Type type,
      Codec<Req> requestCodec,
      Codec<Resp> responseCodec,
      boolean noSideEffects) {
    this.serviceName = serviceName;
    this.methodName = methodName;
    this.fullName = serviceName + "/" + methodName;
    this.path = "/" + fullName;
    this.type = type;
    this.requestCodec = requestCodec;
    this.responseCodec = responseCodec;
    this.noSideEffects = noSideEffects;
  }

  /** A method of the service {@code serviceName} (fully qualified, e.g. {@code pkg.Service}). */
  public static <Req, Resp> MethodDescriptor<Req, Resp> of(
      String serviceName,
      String methodName,
      Type type,
      Codec<Req> requestCodec,
      Codec<Resp> responseCodec) {
    return new MethodDescriptor<>(
        requireNonNull(serviceName, "serviceName"),
        requireNonNull(methodName, "methodName"),
        requireNonNull(type, "type"),
        requireNonNull(requestCodec, "requestCodec"),
        requireNonNull(responseCodec, "responseCodec"),
        false);
  }

  /**
   * A copy of this method marked free of side effects, as the proto method option {@code
   * idempotency_level = NO_SIDE_EFFECTS} says (generated code marks such methods). A client
   * speaking {@link Channel.Protocol#CONNECT} sends such unary calls as cacheable GET requests.
   */
  public MethodDescriptor<Req, Resp> withNoSideEffects() {
    return new MethodDescriptor<>(serviceName, methodName, type, requestCodec, responseCodec, true);
  }

  /** Whether the method is marked free of side effects (see {@link #withNoSideEffects()}). */
  public boolean noSideEffects() {
    return noSideEffects;
  }

  /** The fully qualified service name, e.g. {@code routeguide.RouteGuide}. */
  public String serviceName() {
    return serviceName;
  }

  /** The method's simple name, e.g. {@code GetFeature}. */
  public String methodName() {
    return methodName;
  }

  /** {@code service/method}, e.g. {@code routeguide.RouteGuide/GetFeature}. */
  public String fullName() {
    return fullName;
  }

  /** The HTTP/2 {@code :path}: {@code /service/method}. */
  public String path() {
    return path;
  }

  public Type type() {
    return type;
  }

  public Codec<Req> requestCodec() {
    return requestCodec;
  }

  public Codec<Resp> responseCodec() {
    return responseCodec;
  }

  @Override
  public String toString() {
    return fullName + " (" + type + ")";
  }
}
