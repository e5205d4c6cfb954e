package dev.trunk.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trunk.Channel;
import dev.trunk.Server;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The debug page's HTTP API on a real admin server, showing a real Trunk server (with its standard
 * health service) called through a real channel: the form's calls are the calls it then counts.
 */
class DebugPageHttpTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final String CHECK = "grpc.health.v1.Health/Check";

  private static HttpResponse<String> get(AdminServer admin, String path) throws Exception {
    return send(HttpRequest.newBuilder(uri(admin, path)).GET());
  }

  private static HttpResponse<String> post(AdminServer admin, String method, String json)
      throws Exception {
    return send(
        HttpRequest.newBuilder(uri(admin, "/debug/api/call?method=" + method))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    try (HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build()) {
      return client.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    }
  }

  private static URI uri(AdminServer admin, String path) {
    return URI.create("http://127.0.0.1:" + admin.port() + path);
  }

  private static Server server(DebugPage page, boolean reflection) throws Exception {
    Server.Builder builder =
        Server.builder().address("127.0.0.1", 0).eventListener(page.serverListener());
    if (reflection) {
      builder.reflection();
    }
    return builder.build().start();
  }

  @Test
  void theFormCallsAMethodByReflectionAndThePageThenCountsItsCallsAndFailures() throws Exception {
    DebugPage page = DebugPage.create();
    try (AdminServer admin = AdminServer.builder().port(0).debugPage(page).start();
        Server server = server(page, true);
        Channel channel = Channel.forAddress("127.0.0.1", server.port()).plaintext().build()) {
      page.callThrough(channel);

      HttpResponse<String> methods = get(admin, "/debug/api/methods");
      HttpResponse<String> ok = post(admin, CHECK, "{}");
      HttpResponse<String> notFound = post(admin, CHECK, "{\"service\": \"<nope>\"}");
      HttpResponse<String> stats = get(admin, "/debug/api/stats");

      assertThat(methods.body())
          .startsWith("{\"form\":true,")
          .contains(
              "{\"method\":\""
                  + CHECK
                  + "\",\"requestType\":\"grpc.health.v1.HealthCheckRequest\"}")
          .doesNotContain("ServerReflectionInfo");
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.body()).isEqualTo("{\"ok\":true,\"response\":{\n  \"status\": \"SERVING\"\n}}");
      assertThat(notFound.body()).startsWith("{\"ok\":false,\"code\":\"NOT_FOUND\",\"message\":");
      assertThat(stats.headers().firstValue("content-type"))
          .hasValue("application/json; charset=utf-8");
      assertThat(stats.body())
          .contains("{\"method\":\"" + CHECK + "\",\"calls\":2,")
          .contains("\"statuses\":{\"OK\":1,\"NOT_FOUND\":1}")
          .contains("\"failedCalls\":[{\"method\":\"" + CHECK + "\",\"status\":\"NOT_FOUND\",")
          .contains("\"connections\":{\"open\":1,")
          .contains(
              "{\"method\":\"grpc.reflection.v1.ServerReflection/ServerReflectionInfo\",\"calls\":3,\"callsPerSecond\":0.05,\"errors\":0,");
    }
  }

  @Test
  void theFormReportsBadJsonAndUnknownMethodsWithTheirStatus() throws Exception {
    DebugPage page = DebugPage.create();
    try (AdminServer admin = AdminServer.builder().port(0).debugPage(page).start();
        Server server = server(page, true);
        Channel channel = Channel.forAddress("127.0.0.1", server.port()).plaintext().build()) {
      page.callThrough(channel);

      String badJson = post(admin, CHECK, "{\"service\": 5, ").body();
      String unknownField = post(admin, CHECK, "{\"colour\": \"red\"}").body();
      String unknownMethod = post(admin, "pkg.Nope/Get", "{}").body();

      assertThat(badJson)
          .startsWith(
              "{\"ok\":false,\"code\":\"INVALID_ARGUMENT\",\"message\":\"the request is not a"
                  + " grpc.health.v1.HealthCheckRequest in JSON: ");
      assertThat(unknownField).contains("INVALID_ARGUMENT").contains("colour");
      assertThat(unknownMethod)
          .isEqualTo(
              "{\"ok\":false,\"code\":\"NOT_FOUND\",\"message\":\"the server's reflection lists no"
                  + " unary method pkg.Nope/Get\"}");
    }
  }

  @Test
  void withoutReflectionOrAChannelTheFormSaysWhyItIsOff() throws Exception {
    DebugPage page = DebugPage.create();
    try (AdminServer admin = AdminServer.builder().port(0).debugPage(page).start();
        Server server = server(page, false);
        Channel channel = Channel.forAddress("127.0.0.1", server.port()).plaintext().build()) {
      String noChannel = get(admin, "/debug/api/methods").body();
      page.callThrough(channel);
      String noReflection = get(admin, "/debug/api/methods").body();

      assertThat(noChannel).contains("\"form\":false").contains("DebugPage.callThrough");
      assertThat(noReflection)
          .contains("\"form\":false")
          .contains("the server does not serve reflection")
          .contains("Server.Builder.reflection()");
    }
  }

  @Test
  void thePageIsPlainHtmlWithItsScriptAndOnlyItsOwnContentIsAllowed() throws Exception {
    try (AdminServer admin = AdminServer.builder().port(0).debugPage(DebugPage.create()).start()) {
      HttpResponse<String> html = get(admin, "/debug");
      HttpResponse<String> script = get(admin, "/debug/debug.js");
      HttpResponse<String> missing = get(admin, "/debug/nope");

      assertThat(html.statusCode()).isEqualTo(200);
      assertThat(html.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
      assertThat(html.headers().firstValue("content-security-policy"))
          .hasValue("default-src 'self'; frame-ancestors 'none'");
      assertThat(html.body()).contains("<table id=\"methods\">").contains("/debug/debug.js");
      assertThat(script.body()).contains("textContent").doesNotContain("innerHTML");
      assertThat(missing.statusCode()).isEqualTo(404);
    }
  }

  @Test
  void callsFromAnotherOriginOrNotInJsonAreRefused() throws Exception {
    try (AdminServer admin = AdminServer.builder().port(0).debugPage(DebugPage.create()).start()) {
      HttpResponse<String> crossOrigin =
          send(
              HttpRequest.newBuilder(uri(admin, "/debug/api/call?method=" + CHECK))
                  .header("Content-Type", "application/json")
                  .header("Origin", "http://evil.example")
                  .POST(HttpRequest.BodyPublishers.ofString("{}")));
      HttpResponse<String> formPost =
          send(
              HttpRequest.newBuilder(uri(admin, "/debug/api/call?method=" + CHECK))
                  .header("Content-Type", "text/plain")
                  .POST(HttpRequest.BodyPublishers.ofString("{}")));

      assertThat(crossOrigin.statusCode()).isEqualTo(403);
      assertThat(formPost.statusCode()).isEqualTo(415);
      assertThat(formPost.body()).contains("application/json");
    }
  }
}
