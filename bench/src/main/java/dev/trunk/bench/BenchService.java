package dev.trunk.bench;

import com.google.protobuf.ByteString;
import dev.trunk.Codec;
import dev.trunk.MethodDescriptor;
import dev.trunk.ServiceDefinition;
import dev.trunk.Status;
import dev.trunk.StreamReceiver;
import dev.trunk.StreamSender;
import io.grpc.benchmarks.proto.Messages.Payload;
import io.grpc.benchmarks.proto.Messages.PayloadType;
import io.grpc.benchmarks.proto.Messages.SimpleRequest;
import io.grpc.benchmarks.proto.Messages.SimpleResponse;

/**
 * {@code grpc.testing.BenchmarkService} (grpc-java's {@code grpc/testing/services.proto}) on Trunk,
 * answering as grpc-java's benchmark server does, so the same load generators drive both:
 *
 * <ul>
 *   <li>UnaryCall: one response whose payload is {@code response_size} zero bytes (built anew for
 *       each call, as grpc-java's server does, so both servers do the same per-call work);
 *   <li>StreamingCall: that response for every request (ping-pong), until the client half-closes;
 *   <li>StreamingFromClient: reads every request, answers the last one once the client half-closes,
 *       or FAILED_PRECONDITION if there was none;
 *   <li>StreamingFromServer: sends the response for the single request over and over until the
 *       client cancels;
 *   <li>StreamingBothWays: ignores requests and sends a canned 100-byte response until the client
 *       cancels.
 * </ul>
 */
public final class BenchService {
  public static final String SERVICE = "grpc.testing.BenchmarkService";

  private static final Codec<SimpleRequest> REQUEST =
      Codec.protobuf(SimpleRequest.getDefaultInstance());
  private static final Codec<SimpleResponse> RESPONSE =
      Codec.protobuf(SimpleResponse.getDefaultInstance());

  public static final MethodDescriptor<SimpleRequest, SimpleResponse> UNARY_CALL =
      MethodDescriptor.of(SERVICE, "UnaryCall", MethodDescriptor.Type.UNARY, REQUEST, RESPONSE);
  public static final MethodDescriptor<SimpleRequest, SimpleResponse> STREAMING_CALL =
      MethodDescriptor.of(
          SERVICE, "StreamingCall", MethodDescriptor.Type.BIDI_STREAMING, REQUEST, RESPONSE);
  public static final MethodDescriptor<SimpleRequest, SimpleResponse> STREAMING_FROM_CLIENT =
      MethodDescriptor.of(
          SERVICE,
          "StreamingFromClient",
          MethodDescriptor.Type.CLIENT_STREAMING,
          REQUEST,
          RESPONSE);
  public static final MethodDescriptor<SimpleRequest, SimpleResponse> STREAMING_FROM_SERVER =
      MethodDescriptor.of(
          SERVICE,
          "StreamingFromServer",
          MethodDescriptor.Type.SERVER_STREAMING,
          REQUEST,
          RESPONSE);
  public static final MethodDescriptor<SimpleRequest, SimpleResponse> STREAMING_BOTH_WAYS =
      MethodDescriptor.of(
          SERVICE, "StreamingBothWays", MethodDescriptor.Type.BIDI_STREAMING, REQUEST, RESPONSE);

  private static final int BIDI_RESPONSE_BYTES = 100;
  private static final SimpleResponse BIDI_RESPONSE =
      SimpleResponse.newBuilder()
          .setPayload(
              Payload.newBuilder().setBody(ByteString.copyFrom(new byte[BIDI_RESPONSE_BYTES])))
          .build();

  private BenchService() {}

  /** Every method, for a server whose handlers all run on virtual threads. */
  public static ServiceDefinition all() {
    return streaming(unary(ServiceDefinition.builder(SERVICE))).build();
  }

  /**
   * UnaryCall alone: registered as a non-blocking service it runs on the event loop. The streaming
   * methods stay in {@link #streamingOnly()}: StreamingFromServer sends until cancelled and must
   * not hold an event loop.
   */
  public static ServiceDefinition unaryOnly() {
    return unary(ServiceDefinition.builder(SERVICE)).build();
  }

  /** The four streaming methods. */
  public static ServiceDefinition streamingOnly() {
    return streaming(ServiceDefinition.builder(SERVICE)).build();
  }

  private static ServiceDefinition.Builder unary(ServiceDefinition.Builder builder) {
    return builder.unary(UNARY_CALL, BenchService::makeResponse);
  }

  private static ServiceDefinition.Builder streaming(ServiceDefinition.Builder builder) {
    return builder
        .bidiStreaming(STREAMING_CALL, BenchService::pingPong)
        .clientStreaming(STREAMING_FROM_CLIENT, BenchService::fromClient)
        .serverStreaming(STREAMING_FROM_SERVER, BenchService::fromServer)
        .bidiStreaming(STREAMING_BOTH_WAYS, BenchService::bothWays);
  }

  /** The response grpc-java's benchmark server gives to {@code request}. */
  public static SimpleResponse makeResponse(SimpleRequest request) {
    int size = request.getResponseSize();
    if (size <= 0) {
      return SimpleResponse.getDefaultInstance();
    }
    if (request.getResponseType() != PayloadType.COMPRESSABLE) {
      throw Status.INTERNAL.withDescription("Error creating payload.").asException();
    }
    Payload payload =
        Payload.newBuilder()
            .setType(request.getResponseType())
            .setBody(ByteString.copyFrom(new byte[size]))
            .build();
    return SimpleResponse.newBuilder().setPayload(payload).build();
  }

  /** A request asking for {@code responseSize} bytes back and carrying {@code requestSize}. */
  public static SimpleRequest makeRequest(int requestSize, int responseSize) {
    return SimpleRequest.newBuilder()
        .setResponseType(PayloadType.COMPRESSABLE)
        .setResponseSize(responseSize)
        .setPayload(
            Payload.newBuilder()
                .setType(PayloadType.COMPRESSABLE)
                .setBody(ByteString.copyFrom(new byte[requestSize])))
        .build();
  }

  private static void pingPong(
      StreamReceiver<SimpleRequest> requests, StreamSender<SimpleResponse> responses) {
    for (SimpleRequest request : requests) {
      responses.send(makeResponse(request));
    }
  }

  private static SimpleResponse fromClient(StreamReceiver<SimpleRequest> requests) {
    SimpleRequest last = null;
    for (SimpleRequest request : requests) {
      last = request;
    }
    if (last == null) {
      throw Status.FAILED_PRECONDITION.withDescription("never received any requests").asException();
    }
    return makeResponse(last);
  }

  private static void fromServer(SimpleRequest request, StreamSender<SimpleResponse> responses) {
    SimpleResponse response = makeResponse(request);
    while (true) {
      responses.send(response); // throws CANCELLED once the client cancels
    }
  }

  private static void bothWays(
      StreamReceiver<SimpleRequest> requests, StreamSender<SimpleResponse> responses) {
    while (true) {
      responses.send(BIDI_RESPONSE); // throws CANCELLED once the client cancels
    }
  }
}
