package dev.trunk.cli;

import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import dev.trunk.Codec;
import dev.trunk.MethodDescriptor;

/**
 * A method known only from its schema: the Trunk method descriptor whose messages are {@link
 * DynamicMessage}s of its input and output types, and the protobuf descriptor it came from.
 *
 * @param rpc what a {@link dev.trunk.Channel} calls
 * @param proto the method in the schema (input and output types, streaming)
 */
public record DynamicMethod(
    MethodDescriptor<DynamicMessage, DynamicMessage> rpc, Descriptors.MethodDescriptor proto) {

  /** The dynamic method of {@code method}. */
  public static DynamicMethod of(Descriptors.MethodDescriptor method) {
    MethodDescriptor<DynamicMessage, DynamicMessage> rpc =
        MethodDescriptor.of(
            method.getService().getFullName(),
            method.getName(),
            type(method),
            Codec.protobuf(DynamicMessage.getDefaultInstance(method.getInputType())),
            Codec.protobuf(DynamicMessage.getDefaultInstance(method.getOutputType())));
    return new DynamicMethod(rpc, method);
  }

  /** The call kind. */
  public MethodDescriptor.Type type() {
    return rpc.type();
  }

  private static MethodDescriptor.Type type(Descriptors.MethodDescriptor method) {
    if (method.isClientStreaming()) {
      return method.isServerStreaming()
          ? MethodDescriptor.Type.BIDI_STREAMING
          : MethodDescriptor.Type.CLIENT_STREAMING;
    }
    return method.isServerStreaming()
        ? MethodDescriptor.Type.SERVER_STREAMING
        : MethodDescriptor.Type.UNARY;
  }
}
