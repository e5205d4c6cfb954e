package dev.trunk.internal.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Int64Value;
import com.google.protobuf.StringValue;
import dev.trunk.CallOptions;
import dev.trunk.Channel;
import dev.trunk.ClientStreamingCall;
import dev.trunk.Codec;
import dev.trunk.MethodDescriptor;
import dev.trunk.Server;
import dev.trunk.ServiceDefinition;
import dev.trunk.Status;
import dev.trunk.StatusException;
import dev.trunk.internal.client.config.ServiceConfig;
import dev.trunk.internal.client.config.ServiceConfigParser;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A service config's {@code maxRequestMessageBytes} ends a call whose request is larger with
 * RESOURCE_EXHAUSTED before it is sent, against a real server.
 */
class ServiceConfigRequestLimitTest {
  private static final String SERVICE = "trunk.test.Limits";
  private static final Codec<StringValue> STRING = Codec.protobuf(StringValue.getDefaultInstance());
  private static final Codec<Int64Value> LONG = Codec.protobuf(Int64Value.getDefaultInstance());
  private static final MethodDescriptor<StringValue, StringValue> LIMITED =
      MethodDescriptor.of(SERVICE, "Limited", MethodDescriptor.Type.UNARY, STRING, STRING);
  private static final MethodDescriptor<StringValue, StringValue> UNLIMITED =
      MethodDescriptor.of(SERVICE, "Unlimited", MethodDescriptor.Type.UNARY, STRING, STRING);
  private static final MethodDescriptor<StringValue, Int64Value> UPLOAD =
      MethodDescriptor.of(SERVICE, "Upload", MethodDescriptor.Type.CLIENT_STREAMING, STRING, LONG);

  /** The limit for Limited and Upload; a StringValue of n ASCII chars (n < 128) is n + 2 bytes. */
  private static final int LIMIT = 100;

  private final AtomicInteger limitedCalls = new AtomicInteger();
  private Server server;
  private Channel channel;

  @BeforeEach
  void start() throws IOException {
    ServiceDefinition service =
        ServiceDefinition.builder(SERVICE)
            .unary(
                LIMITED,
                request -> {
                  limitedCalls.incrementAndGet();
                  return request;
                })
            .unary(UNLIMITED, request -> request)
            .clientStreaming(
                UPLOAD,
                requests -> {
                  long count = 0;
                  for (StringValue ignored : requests) {
                    count++;
                  }
                  return Int64Value.of(count);
                })
            .build();
    server = Server.builder().address("127.0.0.1", 0).service(service).build().start();
    ServiceConfig serviceConfig =
        ServiceConfigParser.parse(
            """
            {"methodConfig": [{
              "name": [{"service": "trunk.test.Limits", "method": "Limited"},
                       {"service": "trunk.test.Limits", "method": "Upload"}],
              "maxRequestMessageBytes": %d}]}
            """
                .formatted(LIMIT));
    ChannelConfig config = DirectTransports.config(server.port());
    channel =
        new ChannelImpl(
            config, DirectTransports.connected(config, server.port()), () -> serviceConfig);
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  private static StringValue ofSize(int bytes) {
    return StringValue.of("x".repeat(bytes - 2));
  }

  @Test
  void aRequestOverTheLimitEndsTheCallBeforeItReachesTheServer() {
    assertThat(ofSize(LIMIT).getSerializedSize()).isEqualTo(LIMIT);
    assertThat(channel.unaryCall(LIMITED, ofSize(LIMIT), CallOptions.DEFAULT))
        .isEqualTo(ofSize(LIMIT));

    assertThatThrownBy(() -> channel.unaryCall(LIMITED, ofSize(LIMIT + 1), CallOptions.DEFAULT))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> {
              assertThat(e.status().code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
              assertThat(e.status().description())
                  .isEqualTo(
                      "the request to trunk.test.Limits/Limited is 101 bytes, over the service"
                          + " config's maxRequestMessageBytes of 100; send smaller messages or"
                          + " raise the limit");
            });
    assertThat(limitedCalls).hasValue(1);
    assertThat(channel.unaryCallAsync(LIMITED, ofSize(LIMIT + 1), CallOptions.DEFAULT))
        .failsWithin(java.time.Duration.ofSeconds(10))
        .withThrowableThat()
        .havingCause()
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> assertThat(e.status().code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
    assertThat(limitedCalls).hasValue(1);
  }

  @Test
  void aMethodTheConfigDoesNotLimitSendsAnySize() {
    assertThat(channel.unaryCall(UNLIMITED, ofSize(LIMIT * 10), CallOptions.DEFAULT))
        .isEqualTo(ofSize(LIMIT * 10));
  }

  @Test
  void aStreamedRequestOverTheLimitEndsTheCall() {
    ClientStreamingCall<StringValue, Int64Value> call =
        channel.clientStreamingCall(UPLOAD, CallOptions.DEFAULT);
    call.send(ofSize(LIMIT));
    assertThatThrownBy(() -> call.send(ofSize(LIMIT + 1)))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> {
              assertThat(e.status().code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
              assertThat(e.status().description()).contains("101 bytes").contains("of 100");
            });
    assertThatThrownBy(call::complete)
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> assertThat(e.status().code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
    // The channel goes on serving.
    assertThat(channel.unaryCall(UNLIMITED, ofSize(10), CallOptions.DEFAULT)).isEqualTo(ofSize(10));
  }
}
