package dev.trunk.interop;

import dev.trunk.Codec;
import dev.trunk.MethodDescriptor;
import dev.trunk.MethodDescriptor.Type;
import io.grpc.testing.integration.EmptyProtos.Empty;
import io.grpc.testing.integration.Messages.SimpleRequest;
import io.grpc.testing.integration.Messages.SimpleResponse;
import io.grpc.testing.integration.Messages.StreamingInputCallRequest;
import io.grpc.testing.integration.Messages.StreamingInputCallResponse;
import io.grpc.testing.integration.Messages.StreamingOutputCallRequest;
import io.grpc.testing.integration.Messages.StreamingOutputCallResponse;

/**
 * The methods of {@code grpc.testing.TestService} and {@code grpc.testing.UnimplementedService}
 * (grpc/testing/test.proto), written by hand so the interop harness does not depend on a code
 * generator.
 */
public final class TestMethods {
  /** {@code grpc.testing.TestService}. */
  public static final String TEST_SERVICE = "grpc.testing.TestService";

  /** {@code grpc.testing.UnimplementedService}: no server implements it. */
  public static final String UNIMPLEMENTED_SERVICE = "grpc.testing.UnimplementedService";

  private static final Codec<Empty> EMPTY = Codec.protobuf(Empty.getDefaultInstance());
  private static final Codec<SimpleRequest> SIMPLE_REQUEST =
      Codec.protobuf(SimpleRequest.getDefaultInstance());
  private static final Codec<SimpleResponse> SIMPLE_RESPONSE =
      Codec.protobuf(SimpleResponse.getDefaultInstance());
  private static final Codec<StreamingOutputCallRequest> OUTPUT_REQUEST =
      Codec.protobuf(StreamingOutputCallRequest.getDefaultInstance());
  private static final Codec<StreamingOutputCallResponse> OUTPUT_RESPONSE =
      Codec.protobuf(StreamingOutputCallResponse.getDefaultInstance());

  public static final MethodDescriptor<Empty, Empty> EMPTY_CALL =
      MethodDescriptor.of(TEST_SERVICE, "EmptyCall", Type.UNARY, EMPTY, EMPTY);

  public static final MethodDescriptor<SimpleRequest, SimpleResponse> UNARY_CALL =
      MethodDescriptor.of(TEST_SERVICE, "UnaryCall", Type.UNARY, SIMPLE_REQUEST, SIMPLE_RESPONSE);

  public static final MethodDescriptor<SimpleRequest, SimpleResponse> CACHEABLE_UNARY_CALL =
      MethodDescriptor.of(
              TEST_SERVICE, "CacheableUnaryCall", Type.UNARY, SIMPLE_REQUEST, SIMPLE_RESPONSE)
          // The spec's client marks the calls cacheable: over Connect they go as GET.
          .withNoSideEffects();

  public static final MethodDescriptor<StreamingOutputCallRequest, StreamingOutputCallResponse>
      STREAMING_OUTPUT_CALL =
          MethodDescriptor.of(
              TEST_SERVICE,
              "StreamingOutputCall",
              Type.SERVER_STREAMING,
              OUTPUT_REQUEST,
              OUTPUT_RESPONSE);

  public static final MethodDescriptor<StreamingInputCallRequest, StreamingInputCallResponse>
      STREAMING_INPUT_CALL =
          MethodDescriptor.of(
              TEST_SERVICE,
              "StreamingInputCall",
              Type.CLIENT_STREAMING,
              Codec.protobuf(StreamingInputCallRequest.getDefaultInstance()),
              Codec.protobuf(StreamingInputCallResponse.getDefaultInstance()));

  public static final MethodDescriptor<StreamingOutputCallRequest, StreamingOutputCallResponse>
      FULL_DUPLEX_CALL =
          MethodDescriptor.of(
              TEST_SERVICE, "FullDuplexCall", Type.BIDI_STREAMING, OUTPUT_REQUEST, OUTPUT_RESPONSE);

  public static final MethodDescriptor<StreamingOutputCallRequest, StreamingOutputCallResponse>
      HALF_DUPLEX_CALL =
          MethodDescriptor.of(
              TEST_SERVICE, "HalfDuplexCall", Type.BIDI_STREAMING, OUTPUT_REQUEST, OUTPUT_RESPONSE);

  /** Declared by TestService but implemented by no interop server. */
  public static final MethodDescriptor<Empty, Empty> UNIMPLEMENTED_CALL =
      MethodDescriptor.of(TEST_SERVICE, "UnimplementedCall", Type.UNARY, EMPTY, EMPTY);

  /** {@code grpc.testing.UnimplementedService/UnimplementedCall}. */
  public static final MethodDescriptor<Empty, Empty> UNIMPLEMENTED_SERVICE_CALL =
      MethodDescriptor.of(UNIMPLEMENTED_SERVICE, "UnimplementedCall", Type.UNARY, EMPTY, EMPTY);

  private TestMethods() {}
}
