package dev.trunk.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trunk.BidiStreamingCall;
import dev.trunk.Channel;
import dev.trunk.ClientStreamingCall;
import dev.trunk.ResponseStream;
import dev.trunk.examples.routeguide.Feature;
import dev.trunk.examples.routeguide.FeatureDatabase;
import dev.trunk.examples.routeguide.Point;
import dev.trunk.examples.routeguide.Rectangle;
import dev.trunk.examples.routeguide.RouteGuideClient;
import dev.trunk.examples.routeguide.RouteGuideService;
import dev.trunk.examples.routeguide.RouteNote;
import dev.trunk.examples.routeguide.RouteSummary;
import dev.trunk.testing.InProcessServer;
import dev.trunk.testing.LeakCheck;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The route guide's four methods, tested in-process the way a user tests their own service. */
@ExtendWith(LeakCheck.class)
class RouteGuideServiceTest {
  private final InProcessServer server =
      InProcessServer.builder().service(new RouteGuideService(FeatureDatabase.grid())).build();
  private final Channel channel = server.newChannel();
  private final RouteGuideClient guide = RouteGuideClient.create(channel);

  @AfterEach
  void stop() {
    channel.close();
    server.close();
  }

  @Test
  void getFeatureNamesAKnownPointAndLeavesAnUnknownOneUnnamed() {
    assertThat(guide.getFeature(FeatureDatabase.pointAt(1, 1)).getName()).isEqualTo("Waypoint 1-1");
    Point nowhere = Point.newBuilder().setLatitude(1).setLongitude(1).build();
    assertThat(guide.getFeature(nowhere).getName()).isEmpty();
  }

  @Test
  void listFeaturesStreamsEveryFeatureInTheRectangle() {
    Rectangle area =
        Rectangle.newBuilder()
            .setLo(FeatureDatabase.pointAt(2, 2))
            .setHi(FeatureDatabase.pointAt(4, 3))
            .build();
    List<String> names = new ArrayList<>();
    try (ResponseStream<Feature> features = guide.listFeatures(area)) {
      features.forEach(f -> names.add(f.getName()));
    }
    assertThat(names)
        .containsExactly(
            "Waypoint 2-2",
            "Waypoint 2-3",
            "Waypoint 3-2",
            "Waypoint 3-3",
            "Waypoint 4-2",
            "Waypoint 4-3");
  }

  @Test
  void recordRouteCountsPointsFeaturesAndDistance() {
    try (ClientStreamingCall<Point, RouteSummary> route = guide.recordRoute()) {
      route.send(FeatureDatabase.pointAt(0, 0));
      route.send(FeatureDatabase.pointAt(0, 1));
      route.send(Point.newBuilder().setLatitude(1).setLongitude(1).build());
      RouteSummary summary = route.complete();
      assertThat(summary.getPointCount()).isEqualTo(3);
      assertThat(summary.getFeatureCount()).isEqualTo(2);
      // 0.01 degrees of longitude at 47.4 degrees north is about 752 m.
      assertThat(summary.getDistance()).isGreaterThan(752);
    }
  }

  @Test
  void routeChatReturnsTheNotesPostedEarlierAtTheSamePoint() {
    Point here = FeatureDatabase.pointAt(5, 5);
    List<String> received = new ArrayList<>();
    try (BidiStreamingCall<RouteNote, RouteNote> chat = guide.routeChat()) {
      chat.send(RouteNote.newBuilder().setLocation(here).setMessage("a").build());
      chat.send(RouteNote.newBuilder().setLocation(here).setMessage("b").build());
      chat.closeSend();
      chat.forEach(note -> received.add(note.getMessage()));
    }
    assertThat(received).containsExactly("a");
  }
}
