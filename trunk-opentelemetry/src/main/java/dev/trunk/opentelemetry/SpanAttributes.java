package dev.trunk.opentelemetry;

import dev.trunk.CallInfo;
import dev.trunk.MethodDescriptor;
import dev.trunk.Status;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import java.util.EnumSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The attributes and events of Trunk's spans: the OpenTelemetry RPC semantic conventions (gRPC
 * flavour) plus gRFC A66's {@code grpc.method} and {@code grpc.status}.
 */
final class SpanAttributes {
  /** RPC semconv: the remoting system, always {@code grpc}. */
  static final AttributeKey<String> RPC_SYSTEM = AttributeKey.stringKey("rpc.system");

  /** RPC semconv: the full service name, {@code pkg.Service}. */
  static final AttributeKey<String> RPC_SERVICE = AttributeKey.stringKey("rpc.service");

  /** RPC semconv: the method name alone. */
  static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");

  /** gRPC semconv: the numeric status code (required). */
  static final AttributeKey<Long> RPC_GRPC_STATUS_CODE =
      AttributeKey.longKey("rpc.grpc.status_code");

  /** Server semconv: the host the client called (from {@code :authority}). */
  static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");

  /** Server semconv: the port the client called (from {@code :authority}), when it names one. */
  static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");

  /** Network semconv: the remote IP address. */
  static final AttributeKey<String> PEER_ADDRESS = AttributeKey.stringKey("network.peer.address");

  /** Network semconv: the remote port. */
  static final AttributeKey<Long> PEER_PORT = AttributeKey.longKey("network.peer.port");

  /** gRFC A72: how many attempts of the call came before this one. */
  static final AttributeKey<Long> PREVIOUS_ATTEMPTS =
      AttributeKey.longKey("grpc.previous_rpc_attempts");

  /** RPC semconv: the event recorded for each message. */
  static final String MESSAGE_EVENT = "rpc.message";

  /** RPC semconv: {@code SENT} or {@code RECEIVED}. */
  static final AttributeKey<String> MESSAGE_TYPE = AttributeKey.stringKey("rpc.message.type");

  /** {@link #MESSAGE_TYPE} of a message that went out. */
  static final String SENT = "SENT";

  /** {@link #MESSAGE_TYPE} of a message that came in. */
  static final String RECEIVED = "RECEIVED";

  /** RPC semconv: the message's number in its direction, from 1. */
  static final AttributeKey<Long> MESSAGE_ID = AttributeKey.longKey("rpc.message.id");

  /** RPC semconv: the message's size on the wire (compressed, if it was). */
  static final AttributeKey<Long> MESSAGE_COMPRESSED_SIZE =
      AttributeKey.longKey("rpc.message.compressed_size");

  /** RPC semconv: the message's size uncompressed. */
  static final AttributeKey<Long> MESSAGE_UNCOMPRESSED_SIZE =
      AttributeKey.longKey("rpc.message.uncompressed_size");

  /** The value of {@link #RPC_SYSTEM}. */
  private static final String GRPC = "grpc";

  /**
   * gRPC semconv, span status: a server span is an error only for these codes (the others are the
   * client's fault or its choice); a client span is an error for every code but OK.
   */
  private static final Set<Status.Code> SERVER_ERRORS =
      EnumSet.of(
          Status.Code.UNKNOWN,
          Status.Code.DEADLINE_EXCEEDED,
          Status.Code.UNIMPLEMENTED,
          Status.Code.INTERNAL,
          Status.Code.UNAVAILABLE,
          Status.Code.DATA_LOSS);

  private SpanAttributes() {}

  /**
   * Describes the call on {@code span} if it is recorded: the semantic conventions' {@code rpc.*},
   * {@code grpc.method}, and {@code server.address} and {@code server.port} from the authority.
   *
   * <p>They are set after the start, so a sampled-out call pays nothing for them (the SDK gives a
   * span builder's first attribute a map sized for the span's attribute limit, the largest part of
   * what a sampled-out span allocated). A sampler still sees the method: it is the span's name.
   */
  static Span describe(Span span, CallInfo<?, ?> call) {
    if (span.isRecording()) {
      MethodDescriptor<?, ?> method = call.method();
      span.setAttribute(RPC_SYSTEM, GRPC);
      span.setAttribute(RPC_SERVICE, method.serviceName());
      span.setAttribute(RPC_METHOD, method.methodName());
      span.setAttribute(Labels.METHOD, method.fullName());
      Authority.of(call.authority()).describe(span);
    }
    return span;
  }

  /**
   * Records the call's (or attempt's) end status on {@code span}, an error as the side's rule says.
   */
  static void end(Span span, Status status, boolean server) {
    if (span.isRecording()) {
      span.setAttribute(RPC_GRPC_STATUS_CODE, status.code().value());
      span.setAttribute(Labels.STATUS, Labels.status(status));
      if (server ? SERVER_ERRORS.contains(status.code()) : status.code() != Status.Code.OK) {
        span.setStatus(StatusCode.ERROR, description(status));
      }
    }
    span.end();
  }

  private static String description(Status status) {
    @Nullable String description = status.description();
    return description == null ? status.code().name() : status.code().name() + ": " + description;
  }

  /**
   * The {@code rpc.message} events kept per span and direction: the OpenTelemetry SDK's default
   * span limit on events ({@code SpanLimits}' 128), past which it drops them anyway. A long stream
   * thus costs nothing per message once it has passed this many.
   */
  static final long MAX_MESSAGE_EVENTS = 128;

  /**
   * Adds the {@code rpc.message} event of message {@code id} to {@code span}; nothing when the span
   * is not recorded (sampled out) or already has {@link #MAX_MESSAGE_EVENTS} of this direction.
   */
  static void message(Span span, String type, long id, long wireSize, long size) {
    if (id > MAX_MESSAGE_EVENTS || !span.isRecording()) {
      return;
    }
    span.addEvent(
        MESSAGE_EVENT,
        Attributes.of(
            MESSAGE_TYPE,
            type,
            MESSAGE_ID,
            id,
            MESSAGE_COMPRESSED_SIZE,
            wireSize,
            MESSAGE_UNCOMPRESSED_SIZE,
            size));
  }
}
