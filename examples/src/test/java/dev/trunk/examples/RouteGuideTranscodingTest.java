package dev.trunk.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trunk.Server;
import dev.trunk.examples.routeguide.FeatureDatabase;
import dev.trunk.examples.routeguide.Point;
import dev.trunk.examples.routeguide.RouteGuideService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The route guide's GetFeature as plain HTTP/JSON, as docs/web-transcoding.md shows with curl. */
class RouteGuideTranscodingTest {
  @Test
  void getFeatureAnswersAGetOnItsHttpPathWithJson() throws Exception {
    Point point = FeatureDatabase.pointAt(1, 2);
    try (Server server =
            Server.builder()
                .address("127.0.0.1", 0)
                .service(new RouteGuideService(FeatureDatabase.grid()))
                .build()
                .start();
        HttpClient client = HttpClient.newHttpClient()) {
      URI uri =
          URI.create(
              "http://127.0.0.1:"
                  + server.port()
                  + "/v1/features/"
                  + point.getLatitude()
                  + "/"
                  + point.getLongitude());
      HttpResponse<String> response =
          client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body())
          .isEqualTo(
              "{\"name\":\"Waypoint 1-2\",\"location\":{\"latitude\":"
                  + point.getLatitude()
                  + ",\"longitude\":"
                  + point.getLongitude()
                  + "}}");
    }
  }
}
