package dev.trunk.opentelemetry;

import static dev.trunk.opentelemetry.Labels.METHOD;
import static dev.trunk.opentelemetry.Labels.PROTOCOL_VERSION;
import static dev.trunk.opentelemetry.Labels.STATUS;
import static dev.trunk.opentelemetry.Labels.TARGET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Empty;
import dev.trunk.CallOptions;
import dev.trunk.Channel;
import dev.trunk.MethodDescriptor;
import dev.trunk.Server;
import dev.trunk.ServiceDefinition;
import dev.trunk.Status;
import dev.trunk.StatusException;
import io.opentelemetry.api.common.Attributes;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The listeners installed on a real server and channel over 127.0.0.1. */
class TrunkTelemetryOverSocketsTest {
  private static final MethodDescriptor<Empty, Empty> GET =
      Fakes.method("pkg.Svc/Get", MethodDescriptor.Type.UNARY);
  private static final MethodDescriptor<Empty, Empty> FAIL =
      Fakes.method("pkg.Svc/Fail", MethodDescriptor.Type.UNARY);
  private static final MethodDescriptor<Empty, Empty> MISSING =
      Fakes.method("pkg.Svc/Missing", MethodDescriptor.Type.UNARY);
  private static final CallOptions OPTIONS =
      CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(10));

  private final Recorded recorded = new Recorded();

  @AfterEach
  void close() {
    recorded.close();
  }

  @Test
  void callsAndConnectionsOfBothSidesAreRecorded() throws Exception {
    TrunkTelemetry telemetry = TrunkTelemetry.create(recorded.openTelemetry());
    ServiceDefinition service =
        ServiceDefinition.builder("pkg.Svc")
            .unary(GET, request -> request)
            .unary(
                FAIL,
                request -> {
                  throw Status.NOT_FOUND.withDescription("no such thing").asException();
                })
            .build();
    String target;
    try (Server server =
        Server.builder()
            .address("127.0.0.1", 0)
            .service(service)
            .eventListener(telemetry.serverListener())
            .build()
            .start()) {
      target = "127.0.0.1:" + server.port();
      try (Channel channel =
          Channel.forAddress("127.0.0.1", server.port())
              .plaintext()
              .eventListener(telemetry.channelListener(target))
              .build()) {
        channel.unaryCall(GET, Empty.getDefaultInstance(), OPTIONS);
        assertThatThrownBy(() -> channel.unaryCall(FAIL, Empty.getDefaultInstance(), OPTIONS))
            .isInstanceOf(StatusException.class);
        assertThatThrownBy(() -> channel.unaryCall(MISSING, Empty.getDefaultInstance(), OPTIONS))
            .isInstanceOf(StatusException.class);
      }
    }

    Attributes get = Attributes.of(METHOD, GET.fullName());
    assertThat(recorded.counter("grpc.server.call.started", "{call}", get)).isEqualTo(1);
    assertThat(
            recorded
                .histogram(
                    "grpc.server.call.duration",
                    "s",
                    Attributes.of(METHOD, FAIL.fullName(), STATUS, "NOT_FOUND"))
                .getCount())
        .isEqualTo(1);
    assertThat(
            recorded.counter(
                "trunk.server.connection.opened",
                "{connection}",
                Attributes.of(PROTOCOL_VERSION, "2")))
        .isEqualTo(1);
    assertThat(recorded.upDown("trunk.server.connection.open", "{connection}", Attributes.empty()))
        .isZero();
    assertThat(
            recorded.counter(
                "trunk.client.connection.opened",
                "{connection}",
                Attributes.of(TARGET, target, PROTOCOL_VERSION, "2")))
        .isEqualTo(1);
    assertThat(
            recorded.upDown(
                "trunk.client.connection.open", "{connection}", Attributes.of(TARGET, target)))
        .isZero();
    Attributes clientOk = Attributes.of(METHOD, GET.fullName(), TARGET, target, STATUS, "OK");
    assertThat(recorded.histogram("grpc.client.call.duration", "s", clientOk).getCount())
        .isEqualTo(1);
    assertThat(recorded.histogram("grpc.client.attempt.duration", "s", clientOk).getCount())
        .isEqualTo(1);
    Attributes clientMissing =
        Attributes.of(METHOD, MISSING.fullName(), TARGET, target, STATUS, "UNIMPLEMENTED");
    assertThat(recorded.histogram("grpc.client.call.duration", "s", clientMissing).getCount())
        .isEqualTo(1);
    // gRFC A66: the server counts a method it does not serve as "other".
    Attributes other = Attributes.of(METHOD, MethodNames.OTHER);
    assertThat(recorded.counter("grpc.server.call.started", "{call}", other)).isEqualTo(1);
    assertThat(
            recorded
                .histogram(
                    "grpc.server.call.duration",
                    "s",
                    Attributes.of(METHOD, MethodNames.OTHER, STATUS, "UNIMPLEMENTED"))
                .getCount())
        .isEqualTo(1);
  }
}
