package dev.trunk.opentelemetry;

import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.trunk.CallOptions;
import dev.trunk.Channel;
import dev.trunk.MethodDescriptor;
import dev.trunk.Status;
import dev.trunk.StatusException;
import java.time.Duration;
import java.util.List;

/**
 * The debug page's form: calls a unary method, found by server reflection, with a request written
 * in the proto3 JSON mapping, and answers with the response in it.
 */
final class JsonCalls {
  /** Deadline of a call from the form: long enough for a slow method, short enough to wait for. */
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  private JsonCalls() {}

  /** The server's unary methods (the form can call no other kind), by reflection. */
  static List<Descriptors.MethodDescriptor> unaryMethods(Channel channel) {
    return ServerReflection.services(channel).stream()
        .flatMap(service -> service.getMethods().stream())
        .filter(method -> !method.isClientStreaming() && !method.isServerStreaming())
        .toList();
  }

  /**
   * Calls {@code fullName} ({@code pkg.Service/Method}) with the JSON request {@code json}; returns
   * the response as JSON.
   *
   * @throws StatusException the call's status if it failed; NOT_FOUND if the server has no such
   *     unary method, INVALID_ARGUMENT if {@code json} is not a request of it
   */
  static String call(Channel channel, String fullName, String json) {
    Descriptors.MethodDescriptor method = find(channel, fullName);
    Descriptors.Descriptor requestType = method.getInputType();
    Descriptors.Descriptor responseType = method.getOutputType();
    DynamicMessage.Builder request = DynamicMessage.newBuilder(requestType);
    try {
      JsonFormat.parser().merge(json, request);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new StatusException(
          Status.INVALID_ARGUMENT.withDescription(
              "the request is not a " + requestType.getFullName() + " in JSON: " + e.getMessage()));
    }
    MethodDescriptor<DynamicMessage, DynamicMessage> descriptor =
        MethodDescriptor.of(
            method.getService().getFullName(),
            method.getName(),
            MethodDescriptor.Type.UNARY,
            ProtoCodecs.dynamic(requestType),
            ProtoCodecs.dynamic(responseType));
    DynamicMessage response =
        channel.unaryCall(descriptor, request.build(), CallOptions.DEFAULT.withTimeout(TIMEOUT));
    try {
      return JsonFormat.printer().print(response);
    } catch (InvalidProtocolBufferException e) {
      throw new StatusException(
          Status.INTERNAL.withDescription(
              "the response cannot be shown as JSON: " + e.getMessage()));
    }
  }

  private static Descriptors.MethodDescriptor find(Channel channel, String fullName) {
    return unaryMethods(channel).stream()
        .filter(method -> fullName(method).equals(fullName))
        .findFirst()
        .orElseThrow(
            () ->
                new StatusException(
                    Status.NOT_FOUND.withDescription(
                        "the server's reflection lists no unary method " + fullName)));
  }

  /** {@code pkg.Service/Method}, as gRPC names a method. */
  static String fullName(Descriptors.MethodDescriptor method) {
    return method.getService().getFullName() + "/" + method.getName();
  }
}
