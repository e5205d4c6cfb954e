package dev.trunk.interop;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.MethodOptions.IdempotencyLevel;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import dev.trunk.CallContext;
import dev.trunk.Metadata;
import dev.trunk.ServiceDefinition;
import dev.trunk.Status;
import dev.trunk.StreamReceiver;
import dev.trunk.StreamSender;
import io.grpc.testing.integration.EmptyProtos.Empty;
import io.grpc.testing.integration.Messages.BoolValue;
import io.grpc.testing.integration.Messages.EchoStatus;
import io.grpc.testing.integration.Messages.Payload;
import io.grpc.testing.integration.Messages.PayloadType;
import io.grpc.testing.integration.Messages.ResponseParameters;
import io.grpc.testing.integration.Messages.SimpleRequest;
import io.grpc.testing.integration.Messages.SimpleResponse;
import io.grpc.testing.integration.Messages.StreamingInputCallRequest;
import io.grpc.testing.integration.Messages.StreamingInputCallResponse;
import io.grpc.testing.integration.Messages.StreamingOutputCallRequest;
import io.grpc.testing.integration.Messages.StreamingOutputCallResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The interop server behaviours of {@code grpc.testing.TestService} (interop-test-descriptions.md,
 * "Server"): EmptyCall, UnaryCall, CacheableUnaryCall, StreamingInputCall, StreamingOutputCall,
 * FullDuplexCall and HalfDuplexCall, with Echo Metadata, Echo Status, CompressedRequest,
 * CompressedResponse, {@code interval_us} and {@code fill_server_id} (server_id and hostname).
 *
 * <p>UnimplementedCall is deliberately not bound: Trunk itself must answer UNIMPLEMENTED for it.
 *
 * <p>A Trunk-specific test hook, not part of the interop spec, lets a client see retries from
 * outside: a UnaryCall with the request header {@value #FAIL_ATTEMPTS_KEY}{@code : N} fails with
 * UNAVAILABLE while its {@code grpc-previous-rpc-attempts} header (absent: 0) is below N, with the
 * trailer {@code grpc-retry-pushback-ms} set to the value of the header {@value #PUSHBACK_MS_KEY}
 * if the request has one; it then answers as usual. Each such attempt prints one line starting with
 * {@value #ATTEMPT_LOG}. Calls without the header never see the hook.
 */
public final class TestServiceImpl {
  /** Request key echoed back in the response headers. */
  public static final String ECHO_INITIAL_KEY = "x-grpc-test-echo-initial";

  /** Request key echoed back in the trailers. */
  public static final String ECHO_TRAILING_KEY = "x-grpc-test-echo-trailing-bin";

  /** Test hook: how many attempts of this UnaryCall to fail with UNAVAILABLE. */
  public static final String FAIL_ATTEMPTS_KEY = "x-trunk-fail-attempts";

  /** Test hook: the {@code grpc-retry-pushback-ms} value to send with each failed attempt. */
  public static final String PUSHBACK_MS_KEY = "x-trunk-pushback-ms";

  /**
   * Test hook: the start of the line printed for each attempt, followed by {@code
   * previous_attempts=P at_ms=T failed|answered} (T: milliseconds on this server's monotonic
   * clock).
   */
  public static final String ATTEMPT_LOG = "test hook: UnaryCall attempt";

  private static final String GZIP = "gzip";

  private TestServiceImpl() {}

  /** The service, ready to register with a {@link dev.trunk.Server}, with a fresh server id. */
  public static ServiceDefinition definition() {
    return definition("trunk-" + UUID.randomUUID());
  }

  /**
   * The service, answering {@code fill_server_id} requests with {@code serverId} and this host's
   * name: the same for every call to one server, different between servers (pick_first_unary).
   */
  public static ServiceDefinition definition(String serverId) {
    return ServiceDefinition.builder(TestMethods.TEST_SERVICE)
        .unary(TestMethods.EMPTY_CALL, TestServiceImpl::emptyCall)
        .unary(TestMethods.UNARY_CALL, request -> unaryCall(request, serverId))
        .unary(TestMethods.CACHEABLE_UNARY_CALL, TestServiceImpl::cacheableUnaryCall)
        .serverStreaming(TestMethods.STREAMING_OUTPUT_CALL, TestServiceImpl::streamingOutputCall)
        .clientStreaming(TestMethods.STREAMING_INPUT_CALL, TestServiceImpl::streamingInputCall)
        .bidiStreaming(TestMethods.FULL_DUPLEX_CALL, TestServiceImpl::fullDuplexCall)
        .bidiStreaming(TestMethods.HALF_DUPLEX_CALL, TestServiceImpl::halfDuplexCall)
        .schema(SCHEMA)
        .build();
  }

  /**
   * test.proto with CacheableUnaryCall marked {@code idempotency_level = NO_SIDE_EFFECTS}: the case
   * exists to be answered by a cache, and the Connect protocol sends GET (the only cacheable
   * request) for methods marked so. The option changes nothing on the wire; connect-es's peer marks
   * the method the same way in its generated code.
   */
  static final FileDescriptor SCHEMA =
      markCacheable(io.grpc.testing.integration.Test.getDescriptor());

  private static FileDescriptor markCacheable(FileDescriptor file) {
    FileDescriptorProto.Builder proto = file.toProto().toBuilder();
    for (ServiceDescriptorProto.Builder service : proto.getServiceBuilderList()) {
      for (MethodDescriptorProto.Builder method : service.getMethodBuilderList()) {
        if (method.getName().equals(TestMethods.CACHEABLE_UNARY_CALL.methodName())) {
          method.getOptionsBuilder().setIdempotencyLevel(IdempotencyLevel.NO_SIDE_EFFECTS);
        }
      }
    }
    try {
      return FileDescriptor.buildFrom(
          proto.build(), file.getDependencies().toArray(FileDescriptor[]::new));
    } catch (DescriptorValidationException e) {
      throw new IllegalStateException("test.proto with one more option must still be valid", e);
    }
  }

  private static Empty emptyCall(Empty request) {
    echoMetadata();
    return Empty.getDefaultInstance();
  }

  private static SimpleResponse unaryCall(SimpleRequest request, String serverId) {
    echoMetadata();
    failAttemptIfAsked();
    if (request.hasExpectCompressed()) {
      checkCompressed(request.getExpectCompressed());
    }
    if (request.hasResponseStatus()) {
      failIfRequested(request.getResponseStatus());
    }
    if (request.hasResponseCompressed() && request.getResponseCompressed().getValue()) {
      CallContext.current().setResponseCompression(GZIP);
    }
    SimpleResponse.Builder response = SimpleResponse.newBuilder();
    if (request.getResponseSize() != 0) {
      response.setPayload(payload(request.getResponseType(), request.getResponseSize()));
    } else {
      checkPayloadType(request.getResponseType());
    }
    if (request.getFillServerId()) {
      response.setServerId(serverId).setHostname(HostName.VALUE);
    }
    // fill_username and fill_oauth_scope: nothing authenticates these calls, so both stay empty.
    return response.build();
  }

  /**
   * Answers with a payload that differs on every call (the current time in nanoseconds) and cache
   * headers that let a caching proxy answer the next identical request instead.
   */
  private static SimpleResponse cacheableUnaryCall(SimpleRequest request) {
    echoMetadata();
    CallContext.current().responseHeaders().add("cache-control", "max-age=60, public");
    String now = Long.toString(System.nanoTime());
    return SimpleResponse.newBuilder()
        .setPayload(Payload.newBuilder().setBody(ByteString.copyFromUtf8(now)))
        .build();
  }

  private static void streamingOutputCall(
      StreamingOutputCallRequest request, StreamSender<StreamingOutputCallResponse> responses) {
    echoMetadata();
    if (request.hasResponseStatus()) {
      failIfRequested(request.getResponseStatus());
    }
    compressIfAnyRequested(request.getResponseParametersList());
    respond(request, responses);
  }

  private static StreamingInputCallResponse streamingInputCall(
      StreamReceiver<StreamingInputCallRequest> requests) {
    echoMetadata();
    int total = 0;
    for (StreamingInputCallRequest request : requests) {
      if (request.hasExpectCompressed()) {
        checkCompressed(request.getExpectCompressed());
      }
      total += request.getPayload().getBody().size();
    }
    return StreamingInputCallResponse.newBuilder().setAggregatedPayloadSize(total).build();
  }

  private static void fullDuplexCall(
      StreamReceiver<StreamingOutputCallRequest> requests,
      StreamSender<StreamingOutputCallResponse> responses) {
    echoMetadata();
    boolean compressionChosen = false;
    for (StreamingOutputCallRequest request : requests) {
      if (request.hasResponseStatus()) {
        failIfRequested(request.getResponseStatus());
      }
      if (!compressionChosen) {
        // Compression is a property of the response stream: set it with the first request.
        compressIfAnyRequested(request.getResponseParametersList());
        compressionChosen = true;
      }
      respond(request, responses);
    }
  }

  private static void halfDuplexCall(
      StreamReceiver<StreamingOutputCallRequest> requests,
      StreamSender<StreamingOutputCallResponse> responses) {
    echoMetadata();
    List<StreamingOutputCallRequest> buffered = new ArrayList<>();
    for (StreamingOutputCallRequest request : requests) {
      if (request.hasResponseStatus()) {
        failIfRequested(request.getResponseStatus());
      }
      buffered.add(request);
    }
    List<ResponseParameters> all = new ArrayList<>();
    for (StreamingOutputCallRequest request : buffered) {
      all.addAll(request.getResponseParametersList());
    }
    compressIfAnyRequested(all);
    for (StreamingOutputCallRequest request : buffered) {
      respond(request, responses);
    }
  }

  /**
   * Sends one response per ResponseParameters, each after its {@code interval_us} counted from the
   * previous response, compressed as its {@code compressed} says.
   */
  private static void respond(
      StreamingOutputCallRequest request, StreamSender<StreamingOutputCallResponse> responses) {
    for (ResponseParameters parameters : request.getResponseParametersList()) {
      if (parameters.getIntervalUs() > 0) {
        sleepMicros(parameters.getIntervalUs());
      }
      StreamingOutputCallResponse response =
          StreamingOutputCallResponse.newBuilder()
              .setPayload(payload(request.getResponseType(), parameters.getSize()))
              .build();
      responses.send(response, parameters.getCompressed().getValue());
    }
  }

  private static void compressIfAnyRequested(List<ResponseParameters> parameters) {
    for (ResponseParameters each : parameters) {
      if (each.getCompressed().getValue()) {
        CallContext.current().setResponseCompression(GZIP);
        return;
      }
    }
  }

  /** Echo Metadata: copies the two echo keys, if present, into the response headers/trailers. */
  private static void echoMetadata() {
    CallContext call = CallContext.current();
    Metadata request = call.requestHeaders();
    for (String value : request.getAll(ECHO_INITIAL_KEY)) {
      call.responseHeaders().add(ECHO_INITIAL_KEY, value);
    }
    for (byte[] value : request.getAllBinary(ECHO_TRAILING_KEY)) {
      call.responseTrailers().addBinary(ECHO_TRAILING_KEY, value);
    }
  }

  /** The test hook of the class comment: fails this attempt if the request asks for it. */
  private static void failAttemptIfAsked() {
    CallContext call = CallContext.current();
    Metadata request = call.requestHeaders();
    String failAttempts = request.get(FAIL_ATTEMPTS_KEY);
    if (failAttempts == null) {
      return;
    }
    int attemptsToFail = headerInt(FAIL_ATTEMPTS_KEY, failAttempts);
    String previousText = request.get(Metadata.PREVIOUS_RPC_ATTEMPTS);
    int previous =
        previousText == null ? 0 : headerInt(Metadata.PREVIOUS_RPC_ATTEMPTS, previousText);
    boolean fail = previous < attemptsToFail;
    long atMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
    System.out.println(
        ATTEMPT_LOG
            + " previous_attempts="
            + previous
            + " at_ms="
            + atMillis
            + (fail ? " failed" : " answered"));
    System.out.flush();
    if (!fail) {
      return;
    }
    String pushback = request.get(PUSHBACK_MS_KEY);
    if (pushback != null) {
      call.responseTrailers().add(Metadata.RETRY_PUSHBACK_MS, pushback);
    }
    throw Status.UNAVAILABLE
        .withDescription(
            "attempt "
                + (previous + 1)
                + " of "
                + (attemptsToFail + 1)
                + " failed on purpose ("
                + FAIL_ATTEMPTS_KEY
                + ": "
                + attemptsToFail
                + ")")
        .asException();
  }

  private static int headerInt(String key, String value) {
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw Status.INVALID_ARGUMENT
          .withDescription("header " + key + ": '" + value + "' is not an integer")
          .asException();
    }
  }

  /** Echo Status: ends the call with the requested code and message (nothing for code 0). */
  private static void failIfRequested(EchoStatus status) {
    if (status.getCode() == 0) {
      return;
    }
    Status.Code code = Status.Code.of(status.getCode());
    if (code.value() != status.getCode()) {
      throw Status.INVALID_ARGUMENT
          .withDescription("response_status.code " + status.getCode() + " is not a gRPC code")
          .asException();
    }
    throw Status.of(code).withDescription(status.getMessage()).asException();
  }

  /** CompressedRequest: the request message's compressed flag must be what the client expects. */
  private static void checkCompressed(BoolValue expectCompressed) {
    boolean compressed = lastRequestCompressed();
    if (expectCompressed.getValue() != compressed) {
      throw Status.INVALID_ARGUMENT
          .withDescription(
              "expect_compressed is "
                  + expectCompressed.getValue()
                  + " but the request message was "
                  + (compressed ? "compressed" : "not compressed"))
          .asException();
    }
  }

  /** Whether the request message just received had the Compressed-Flag set. */
  private static boolean lastRequestCompressed() {
    return CallContext.current().lastRequestCompressed();
  }

  private static Payload payload(PayloadType type, int size) {
    checkPayloadType(type);
    if (size < 0) {
      throw Status.INVALID_ARGUMENT.withDescription("negative payload size " + size).asException();
    }
    return Payload.newBuilder().setType(type).setBody(ByteString.copyFrom(new byte[size])).build();
  }

  private static void checkPayloadType(PayloadType type) {
    if (type != PayloadType.COMPRESSABLE) {
      throw Status.INVALID_ARGUMENT
          .withDescription("response_type " + type + " is not supported (only COMPRESSABLE)")
          .asException();
    }
  }

  /** This machine's name, read once, without a DNS lookup (InetAddress.getLocalHost may hang). */
  private static final class HostName {
    static final String VALUE = read();

    private static String read() {
      try {
        Path kernel = Path.of("/proc/sys/kernel/hostname");
        if (Files.isReadable(kernel)) {
          String name = Files.readString(kernel).strip();
          if (!name.isEmpty()) {
            return name;
          }
        }
      } catch (IOException | RuntimeException e) {
        // fall through
      }
      String env = System.getenv("HOSTNAME");
      return env == null || env.isBlank() ? "localhost" : env.strip();
    }
  }

  private static void sleepMicros(long micros) {
    try {
      TimeUnit.MICROSECONDS.sleep(micros);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Status.CANCELLED.withDescription("interrupted").withCause(e).asException();
    }
  }
}
