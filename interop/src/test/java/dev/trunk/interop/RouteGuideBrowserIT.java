package dev.trunk.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trunk.Server;
import dev.trunk.examples.routeguide.FeatureDatabase;
import dev.trunk.examples.routeguide.RouteGuideService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The route guide example's browser page ({@code examples/web}) in Debian's headless Chromium,
 * served with the route guide by a Trunk server in this JVM, as the example server serves it. The
 * driver types points into the page's form and submits it as a user would: the page calls
 * GetFeature with the Connect protocol (fetch, JSON) and shows the answer or the error, which this
 * test reads from the page. The screenshot is kept in {@code target/browser/route-guide.png}.
 */
class RouteGuideBrowserIT {
  /** A point of the example's grid (row 1, column 2) and the name of the feature there. */
  private static final String NAMED_LATITUDE = "474100000";

  private static final String NAMED_LONGITUDE = "85200000";
  private static final String NAMED_FEATURE = "Waypoint 1-2";

  /**
   * Not an int32 (the Point's field type), so the server cannot read the request: proto3 JSON
   * rejects an integer out of its field's range, a Connect {@code invalid_argument} error.
   */
  private static final String OUT_OF_RANGE_LATITUDE = "3000000000";

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void aUserOfThePageInChromiumSeesTheFeatureAtAPointNoFeatureElsewhereAndTheErrorOfBadInput()
      throws IOException {
    Path screenshot = ChromiumDriver.moduleDir().resolve("target/browser/route-guide.png");
    String steps =
        Stream.of(
                ask("none", "1", "1"),
                ask("invalid", OUT_OF_RANGE_LATITUDE, NAMED_LONGITUDE),
                ask("named", NAMED_LATITUDE, NAMED_LONGITUDE))
            .flatMap(List::stream)
            .collect(Collectors.joining(", ", "[", "]"));
    try (Server server = startServer()) {
      ChromiumDriver.Drive drive =
          ChromiumDriver.drive(
              "route-guide-browser-driver",
              "http://127.0.0.1:" + server.port() + "/",
              steps,
              screenshot);

      assertThat(drive.exit()).as("driver exit%s", drive.output()).isZero();
      assertThat(drive.results())
          .as("what the page showed")
          .containsEntry("none", "No feature at 1, 1")
          .containsEntry("named", NAMED_FEATURE + " at " + NAMED_LATITUDE + ", " + NAMED_LONGITUDE);
      assertThat(drive.results().get("invalid"))
          .as("what the page showed for an out-of-range latitude")
          .startsWith("Failed: invalid_argument: ")
          .contains(OUT_OF_RANGE_LATITUDE);
      assertThat(Files.readAllBytes(screenshot)).startsWith(0x89, 'P', 'N', 'G');
    }
  }

  /** The route guide and examples/web on 127.0.0.1, as RouteGuideServerMain serves them. */
  private static Server startServer() throws IOException {
    Path web = ChromiumDriver.moduleDir().resolve("../examples/web").normalize();
    return Server.builder()
        .address("127.0.0.1", 0)
        .service(new RouteGuideService(FeatureDatabase.grid()))
        .staticFiles("/", web)
        .build()
        .start();
  }

  /**
   * What a user does to ask for the feature at a point: types both coordinates, submits the form
   * and waits for the answer, which the driver reads as {@code name}.
   */
  private static List<String> ask(String name, String latitude, String longitude) {
    return List.of(
        "{\"fill\": \"input[name=latitude]\", \"value\": \"" + latitude + "\"}",
        "{\"fill\": \"input[name=longitude]\", \"value\": \"" + longitude + "\"}",
        "{\"click\": \"button[type=submit]\"}",
        "{\"waitFor\": \"#feature[data-outcome]\"}",
        "{\"text\": \"#feature\", \"as\": \"" + name + "\"}");
  }
}
