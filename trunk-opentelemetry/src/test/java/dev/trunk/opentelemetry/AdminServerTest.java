package dev.trunk.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trunk.EventListener;
import dev.trunk.Metadata;
import dev.trunk.Status;
import java.io.IOException;
import java.net.BindException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdminServerTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private static HttpResponse<String> get(int port, String path) throws Exception {
    try (HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build()) {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
              .timeout(TIMEOUT)
              .build();
      return client.send(request, HttpResponse.BodyHandlers.ofString());
    }
  }

  @Test
  void metricsAreServedInThePrometheusTextFormatUnderTheirPrometheusNames() throws Exception {
    try (AdminServer admin = AdminServer.builder().port(0).start()) {
      TrunkTelemetry telemetry = TrunkTelemetry.create(admin.openTelemetry());
      EventListener listener = telemetry.serverListener();
      listener.connectionOpened(Fakes.connection(true, "h2"));
      listener
          .callStarted(Fakes.unary("pkg.Svc/Get"), new Metadata())
          .closed(Status.NOT_FOUND, new Metadata());

      HttpResponse<String> response = get(admin.port(), AdminServer.METRICS_PATH);

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("content-type"))
          .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
      assertThat(response.body())
          .containsPattern(
              "(?m)^grpc_server_call_started_total\\{.*grpc_method=\"pkg.Svc/Get\".*} 1")
          .containsPattern(
              "(?m)^grpc_server_call_duration_seconds_count\\{.*grpc_status=\"NOT_FOUND\".*} 1")
          .contains("grpc_server_call_duration_seconds_bucket{")
          .contains("grpc_server_call_rcvd_total_compressed_message_size_bytes_bucket{")
          .containsPattern("(?m)^trunk_server_call_active\\{.*} 0")
          .containsPattern("(?m)^trunk_server_connection_open\\{.*} 1")
          .contains("trunk_server_connection_opened_total{")
          .contains("trunk_server_call_traced_total{");
    }
  }

  @Test
  void otherPathsAreNotFound() throws Exception {
    try (AdminServer admin = AdminServer.builder().port(0).start()) {
      assertThat(get(admin.port(), "/nothing-here").statusCode()).isEqualTo(404);
    }
  }

  @Test
  void aPortInUseFailsTheStartNamingThePort() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      assertThatThrownBy(() -> AdminServer.builder().port(port).start())
          .isInstanceOf(BindException.class)
          .hasMessageContaining("127.0.0.1:" + port)
          .hasMessageContaining("another admin port");
    }
  }

  @Test
  void aMissingSdkFailsTheStartNamingTheArtifactsToAdd() {
    assertThatThrownBy(() -> AdminServer.requireClasses(List.of("io.opentelemetry.sdk.Missing")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("io.opentelemetry.sdk.Missing")
        .hasMessageContaining("add io.opentelemetry:opentelemetry-sdk");
  }

  @Test
  void aPortOutOfRangeIsRefused() {
    assertThatThrownBy(() -> AdminServer.builder().port(70000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("70000");
  }
}
