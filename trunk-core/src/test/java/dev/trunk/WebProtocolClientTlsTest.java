package dev.trunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Int64Value;
import com.google.protobuf.StringValue;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A Trunk client speaking gRPC-Web and Connect over HTTP/1.1 with TLS (ALPN http/1.1). */
class WebProtocolClientTlsTest {
  @TempDir static Path dir;

  private static TestCertificates certificates;
  private static final AtomicReference<@Nullable TlsInfo> seenTls = new AtomicReference<>();
  private static @Nullable Server server;

  @BeforeAll
  @Timeout(value = 3, unit = TimeUnit.MINUTES) // keytool starts a JVM per certificate
  static void startServer() throws Exception {
    certificates = TestCertificates.create(dir);
    TestCertificates.Leaf leaf = certificates.server("server");
    server =
        Server.builder()
            .address("127.0.0.1", 0)
            .tls(TlsConfig.builder().keyPair(leaf.chainPem(), leaf.keyPem()).build())
            .service(new TestService().definition())
            .intercept(Interceptor.onStart((call, headers) -> seenTls.set(call.tls().orElse(null))))
            .build()
            .start();
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.shutdownNow();
    }
  }

  private static Channel channel(Channel.Protocol protocol, int port) {
    return Channel.forAddress("127.0.0.1", port)
        .protocol(protocol)
        .http1()
        .tls(TlsConfig.builder().trust(certificates.caPem()).build())
        .build();
  }

  @ParameterizedTest
  @EnumSource(
      value = Channel.Protocol.class,
      names = {"GRPC_WEB", "CONNECT"})
  void unaryCallsGoOverTlsAndReuseTheConnection(Channel.Protocol protocol) {
    seenTls.set(null);
    try (Channel channel = channel(protocol, server.port())) {
      for (int i = 0; i < 3; i++) {
        StringValue response =
            channel.unaryCall(TestService.ECHO, StringValue.of("tls " + i), CallOptions.DEFAULT);
        assertThat(response.getValue()).isEqualTo("tls " + i);
      }
    }
    assertThat(seenTls.get()).as("the server saw a TLS session").isNotNull();
  }

  @ParameterizedTest
  @EnumSource(
      value = Channel.Protocol.class,
      names = {"GRPC_WEB", "CONNECT"})
  void serverStreamingGoesOverTls(Channel.Protocol protocol) {
    try (Channel channel = channel(protocol, server.port());
        ResponseStream<StringValue> stream =
            channel.serverStreamingCall(
                TestService.COUNT, Int64Value.of(20), CallOptions.DEFAULT)) {
      List<String> received = new ArrayList<>();
      StringValue next;
      while ((next = stream.receive()) != null) {
        received.add(next.getValue());
      }
      assertThat(received).hasSize(20).startsWith("#0").endsWith("#19");
    }
  }

  @Test
  void aTlsHttp1ChannelToAPlaintextServerFailsWithTheReason() throws Exception {
    Server plaintext =
        Server.builder()
            .address("127.0.0.1", 0)
            .service(new TestService().definition())
            .build()
            .start();
    try (Channel channel = channel(Channel.Protocol.CONNECT, plaintext.port())) {
      assertThatThrownBy(
              () -> channel.unaryCall(TestService.ECHO, StringValue.of("x"), CallOptions.DEFAULT))
          .isInstanceOfSatisfying(
              StatusException.class,
              e -> {
                assertThat(e.status().code()).isEqualTo(Status.Code.UNAVAILABLE);
                assertThat(e.status().description()).contains("plaintext");
              });
    } finally {
      plaintext.shutdownNow();
    }
  }
}
