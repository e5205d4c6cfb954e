package dev.trunk.examples.routeguide;

import dev.trunk.BidiStreamingCall;
import dev.trunk.Channel;
import dev.trunk.ClientStreamingCall;
import dev.trunk.ResponseStream;
import java.io.PrintStream;
import java.time.Duration;

/**
 * Calls a route guide server once with each call kind and prints what came back: {@code
 * RouteGuideClientMain [host:port]} (default 127.0.0.1:50051).
 */
public final class RouteGuideClientMain {
  private RouteGuideClientMain() {}

  public static void main(String[] args) {
    String target = args.length > 0 ? args[0] : "127.0.0.1:" + RouteGuideServerMain.DEFAULT_PORT;
    try (Channel channel = Channel.forTarget(target).plaintext().build()) {
      tour(RouteGuideClient.create(channel).withTimeout(Duration.ofSeconds(10)), System.out);
    }
  }

  /** Makes one call of each kind with {@code guide} and prints the results to {@code out}. */
  public static void tour(RouteGuideClient guide, PrintStream out) {
    Feature feature = guide.getFeature(FeatureDatabase.pointAt(2, 3));
    out.println("unary GetFeature: " + describe(feature));

    Rectangle area =
        Rectangle.newBuilder()
            .setLo(FeatureDatabase.pointAt(0, 0))
            .setHi(FeatureDatabase.pointAt(1, 2))
            .build();
    int listed = 0;
    try (ResponseStream<Feature> features = guide.listFeatures(area)) {
      for (Feature f : features) {
        listed++;
        out.println("server streaming ListFeatures: " + describe(f));
      }
    }
    out.println("server streaming ListFeatures: " + listed + " features");

    try (ClientStreamingCall<Point, RouteSummary> route = guide.recordRoute()) {
      for (int step = 0; step < 5; step++) {
        route.send(FeatureDatabase.pointAt(step, step));
      }
      RouteSummary summary = route.complete();
      out.println(
          "client streaming RecordRoute: "
              + summary.getPointCount()
              + " points, "
              + summary.getFeatureCount()
              + " features, "
              + summary.getDistance()
              + " m");
    }

    try (BidiStreamingCall<RouteNote, RouteNote> chat = guide.routeChat()) {
      Point here = FeatureDatabase.pointAt(4, 4);
      for (String text : new String[] {"first", "second", "third"}) {
        chat.send(RouteNote.newBuilder().setLocation(here).setMessage(text).build());
      }
      chat.closeSend();
      for (RouteNote note : chat) {
        out.println("bidi streaming RouteChat: earlier note '" + note.getMessage() + "'");
      }
    }
  }

  private static String describe(Feature feature) {
    Point p = feature.getLocation();
    String name = feature.getName().isEmpty() ? "(nothing)" : feature.getName();
    return name + " at " + p.getLatitude() / 1e7 + ", " + p.getLongitude() / 1e7;
  }
}
