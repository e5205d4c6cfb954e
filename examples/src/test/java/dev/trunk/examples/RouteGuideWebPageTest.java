package dev.trunk.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trunk.Server;
import dev.trunk.examples.routeguide.FeatureDatabase;
import dev.trunk.examples.routeguide.RouteGuideService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The route guide's web page (examples/web) as a browser gets it from the example server: the page
 * and its script, then GetFeature with the Connect protocol exactly as route-guide.js asks for it.
 */
class RouteGuideWebPageTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private Server server;

  @BeforeEach
  void start() throws Exception {
    server =
        Server.builder()
            .address("127.0.0.1", 0)
            .service(new RouteGuideService(FeatureDatabase.grid()))
            .staticFiles("/", Path.of(System.getProperty("basedir", ".")).resolve("web"))
            .build()
            .start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void thePageAndItsScriptAreServed() throws Exception {
    HttpResponse<String> page = send(HttpRequest.newBuilder(uri("/")).build());
    HttpResponse<String> script = send(HttpRequest.newBuilder(uri("/route-guide.js")).build());

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
    assertThat(page.body()).contains("<script src=\"route-guide.js\">");
    assertThat(script.headers().firstValue("content-type"))
        .hasValue("text/javascript; charset=utf-8");
    assertThat(script.body()).contains("'/trunk.examples.routeguide.RouteGuide/GetFeature'");
  }

  @Test
  void theScriptsConnectRequestGetsTheFeatureAsJson() throws Exception {
    HttpResponse<String> response = getFeature("{\"latitude\":474100000,\"longitude\":85200000}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(response.body()).contains("\"name\":\"Waypoint 1-2\"");
  }

  @Test
  void aPointWithoutAFeatureGetsAFeatureWithoutAName() throws Exception {
    HttpResponse<String> response = getFeature("{\"latitude\":1,\"longitude\":1}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).doesNotContain("\"name\"");
  }

  /** What route-guide.js sends: a Connect unary POST with the Point as JSON. */
  private HttpResponse<String> getFeature(String point) throws Exception {
    return send(
        HttpRequest.newBuilder(uri("/trunk.examples.routeguide.RouteGuide/GetFeature"))
            .header("Content-Type", "application/json")
            .header("Connect-Protocol-Version", "1")
            .POST(HttpRequest.BodyPublishers.ofString(point))
            .build());
  }

  private HttpResponse<String> send(HttpRequest request) throws Exception {
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }
}
