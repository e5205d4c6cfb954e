package dev.trunk.opentelemetry;

import com.google.protobuf.StringValue;
import dev.trunk.CallOptions;
import dev.trunk.Channel;
import dev.trunk.Codec;
import dev.trunk.EventListener;
import dev.trunk.MethodDescriptor;
import dev.trunk.Server;
import dev.trunk.ServiceDefinition;
import dev.trunk.Status;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** A test service: echo, fail with a status the request names, fail once, relay to echo. */
final class EchoService {
  static final String NAME = "trunk.test.Echo";
  static final Codec<StringValue> STRING = Codec.protobuf(StringValue.getDefaultInstance());
  static final MethodDescriptor<StringValue, StringValue> ECHO = unary("Echo");

  /** Ends with the status whose code name the request is. */
  static final MethodDescriptor<StringValue, StringValue> FAIL = unary("Fail");

  /** Fails its first call with UNAVAILABLE, then echoes. */
  static final MethodDescriptor<StringValue, StringValue> FLAKY = unary("Flaky");

  /** Calls {@link #ECHO} through {@link #relayChannel} and returns its answer. */
  static final MethodDescriptor<StringValue, StringValue> RELAY = unary("Relay");

  private final AtomicInteger flakyCalls = new AtomicInteger();
  private final AtomicReference<Channel> relayChannel = new AtomicReference<>();

  private static MethodDescriptor<StringValue, StringValue> unary(String method) {
    return MethodDescriptor.of(NAME, method, MethodDescriptor.Type.UNARY, STRING, STRING);
  }

  /** Where {@link #RELAY} calls {@link #ECHO}. */
  void relayTo(Channel channel) {
    relayChannel.set(channel);
  }

  ServiceDefinition definition() {
    return ServiceDefinition.builder(NAME)
        .unary(ECHO, request -> request)
        .unary(
            FAIL,
            request -> {
              throw Status.of(Status.Code.valueOf(request.getValue()))
                  .withDescription("as asked")
                  .asException();
            })
        .unary(
            FLAKY,
            request -> {
              if (flakyCalls.incrementAndGet() == 1) {
                throw Status.UNAVAILABLE.withDescription("first call fails").asException();
              }
              return request;
            })
        .unary(RELAY, request -> relayChannel.get().unaryCall(ECHO, request, CallOptions.DEFAULT))
        .build();
  }

  /** A server of a new EchoService on 127.0.0.1, an ephemeral port, with {@code listener}. */
  static Server serve(EventListener listener) {
    try {
      return Server.builder()
          .address("127.0.0.1", 0)
          .service(new EchoService().definition())
          .eventListener(listener)
          .build()
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
