package dev.trunk;

import com.google.protobuf.BytesValue;
import com.google.protobuf.Int64Value;
import com.google.protobuf.StringValue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** A hand-built service (no code generator) whose methods exercise every call kind and outcome. */
final class TestService {
  static final String NAME = "trunk.test.TestService";
  static final Codec<StringValue> STRING = Codec.protobuf(StringValue.getDefaultInstance());
  static final Codec<BytesValue> BYTES = Codec.protobuf(BytesValue.getDefaultInstance());
  static final Codec<Int64Value> LONG = Codec.protobuf(Int64Value.getDefaultInstance());

  static final MethodDescriptor<StringValue, StringValue> ECHO =
      MethodDescriptor.of(NAME, "Echo", MethodDescriptor.Type.UNARY, STRING, STRING);
  static final MethodDescriptor<BytesValue, BytesValue> ECHO_BYTES =
      MethodDescriptor.of(NAME, "EchoBytes", MethodDescriptor.Type.UNARY, BYTES, BYTES);
  static final MethodDescriptor<Int64Value, StringValue> COUNT =
      MethodDescriptor.of(NAME, "Count", MethodDescriptor.Type.SERVER_STREAMING, LONG, STRING);
  static final MethodDescriptor<BytesValue, Int64Value> SUM_SIZES =
      MethodDescriptor.of(NAME, "SumSizes", MethodDescriptor.Type.CLIENT_STREAMING, BYTES, LONG);
  static final MethodDescriptor<StringValue, StringValue> CHAT =
      MethodDescriptor.of(NAME, "Chat", MethodDescriptor.Type.BIDI_STREAMING, STRING, STRING);
  static final MethodDescriptor<StringValue, StringValue> FAIL =
      MethodDescriptor.of(NAME, "Fail", MethodDescriptor.Type.UNARY, STRING, STRING);
  static final MethodDescriptor<StringValue, StringValue> CRASH =
      MethodDescriptor.of(NAME, "Crash", MethodDescriptor.Type.UNARY, STRING, STRING);
  static final MethodDescriptor<StringValue, StringValue> BLOCK =
      MethodDescriptor.of(NAME, "Block", MethodDescriptor.Type.UNARY, STRING, STRING);
  static final MethodDescriptor<StringValue, StringValue> HEADERS =
      MethodDescriptor.of(NAME, "Headers", MethodDescriptor.Type.UNARY, STRING, STRING);
  static final MethodDescriptor<StringValue, StringValue> FAIL_AFTER_HEADERS =
      MethodDescriptor.of(NAME, "FailAfterHeaders", MethodDescriptor.Type.UNARY, STRING, STRING);
  static final MethodDescriptor<StringValue, StringValue> WAIT_SERVER_STREAM =
      MethodDescriptor.of(
          NAME, "WaitServerStream", MethodDescriptor.Type.SERVER_STREAMING, STRING, STRING);
  static final MethodDescriptor<BytesValue, StringValue> WAIT_CLIENT_STREAM =
      MethodDescriptor.of(
          NAME, "WaitClientStream", MethodDescriptor.Type.CLIENT_STREAMING, BYTES, STRING);
  static final MethodDescriptor<BytesValue, StringValue> WAIT_BIDI =
      MethodDescriptor.of(NAME, "WaitBidi", MethodDescriptor.Type.BIDI_STREAMING, BYTES, STRING);
  static final MethodDescriptor<StringValue, StringValue> UNREGISTERED =
      MethodDescriptor.of(NAME, "Unregistered", MethodDescriptor.Type.UNARY, STRING, STRING);

  /** Set by Block: how the blocked handler ended. */
  final AtomicReference<String> blockOutcome = new AtomicReference<>();

  final CountDownLatch blockStarted = new CountDownLatch(1);
  final CountDownLatch blockEnded = new CountDownLatch(1);

  ServiceDefinition definition() {
    return ServiceDefinition.builder(NAME)
        .unary(ECHO, request -> request)
        .unary(ECHO_BYTES, request -> request)
        .serverStreaming(
            COUNT,
            (request, responses) -> {
              for (long i = 0; i < request.getValue(); i++) {
                responses.send(StringValue.of("#" + i));
              }
            })
        .clientStreaming(
            SUM_SIZES,
            requests -> {
              long total = 0;
              for (BytesValue chunk : requests) {
                total += chunk.getValue().size();
              }
              return Int64Value.of(total);
            })
        .bidiStreaming(
            CHAT,
            (requests, responses) -> {
              for (StringValue message : requests) {
                responses.send(StringValue.of("re: " + message.getValue()));
              }
            })
        .unary(
            FAIL,
            request -> {
              Metadata trailers = new Metadata().add("x-reason", "asked to fail");
              throw Status.INVALID_ARGUMENT
                  .withDescription(request.getValue())
                  .asException(trailers);
            })
        .unary(
            CRASH,
            request -> {
              throw new IllegalStateException("secret internal detail");
            })
        .unary(BLOCK, this::block)
        .unary(
            FAIL_AFTER_HEADERS,
            request -> {
              CallContext.current().responseHeaders().add("x-early", request.getValue());
              throw Status.FAILED_PRECONDITION.withDescription("after headers").asException();
            })
        // Wait, reading and sending nothing, until the call is cancelled: like Block.
        .serverStreaming(WAIT_SERVER_STREAM, (request, responses) -> block(request))
        .clientStreaming(WAIT_CLIENT_STREAM, requests -> block(StringValue.of("x")))
        .bidiStreaming(WAIT_BIDI, (requests, responses) -> block(StringValue.of("x")))
        .unary(
            HEADERS,
            request -> {
              CallContext call = CallContext.current();
              String value = call.requestHeaders().get("x-echo");
              byte[] binary = call.requestHeaders().getBinary("x-echo-bin");
              call.responseHeaders().add("x-echo", value == null ? "none" : value);
              if (binary != null) {
                call.responseTrailers().addBinary("x-echo-bin", binary);
              }
              String deadline = call.deadline().isPresent() ? "deadline" : "no deadline";
              return StringValue.of(call.authority() + " " + deadline);
            })
        .build();
  }

  private StringValue block(StringValue request) {
    CallContext call = CallContext.current();
    CountDownLatch cancelled = new CountDownLatch(1);
    call.onCancel(cancelled::countDown);
    blockStarted.countDown();
    try {
      boolean wasCancelled = cancelled.await(30, TimeUnit.SECONDS);
      blockOutcome.set(wasCancelled ? "cancel listener ran" : "timed out");
    } catch (InterruptedException e) {
      blockOutcome.set("interrupted, cancelled=" + call.isCancelled());
    } finally {
      blockEnded.countDown();
    }
    return request;
  }
}
