package dev.trunk.examples.routeguide;

import dev.trunk.StreamReceiver;
import dev.trunk.StreamSender;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The route guide server: four plain blocking methods, one per call kind. Each call runs on its own
 * virtual thread, so blocking in {@code for (Point p : points)} or {@code responses.send(...)}
 * costs nothing but that thread; a slow client simply makes {@code send} wait.
 */
public final class RouteGuideService implements RouteGuide {
  private static final double EARTH_RADIUS_METRES = 6_371_000;
  private static final double E7 = 1e7;

  private final FeatureDatabase features;
  private final Map<Point, List<RouteNote>> notes = new ConcurrentHashMap<>();

  public RouteGuideService(FeatureDatabase features) {
    this.features = features;
  }

  @Override
  public Feature getFeature(Point request) {
    return features.at(request).orElse(Feature.newBuilder().setLocation(request).build());
  }

  @Override
  public void listFeatures(Rectangle request, StreamSender<Feature> responses) {
    for (Feature feature : features.in(request)) {
      responses.send(feature);
    }
  }

  @Override
  public RouteSummary recordRoute(StreamReceiver<Point> requests) {
    long start = System.nanoTime();
    int points = 0;
    int named = 0;
    double metres = 0;
    Point previous = null;
    for (Point point : requests) {
      points++;
      if (features.at(point).isPresent()) {
        named++;
      }
      if (previous != null) {
        metres += distance(previous, point);
      }
      previous = point;
    }
    return RouteSummary.newBuilder()
        .setPointCount(points)
        .setFeatureCount(named)
        .setDistance((int) Math.round(metres))
        .setElapsedTime((int) TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start))
        .build();
  }

  @Override
  public void routeChat(StreamReceiver<RouteNote> requests, StreamSender<RouteNote> responses) {
    for (RouteNote note : requests) {
      List<RouteNote> here = notes.computeIfAbsent(note.getLocation(), p -> new ArrayList<>());
      List<RouteNote> earlier;
      synchronized (here) {
        earlier = List.copyOf(here);
        here.add(note);
      }
      for (RouteNote previous : earlier) {
        responses.send(previous);
      }
    }
  }

  /** Great-circle distance in metres (haversine formula). */
  static double distance(Point from, Point to) {
    double lat1 = Math.toRadians(from.getLatitude() / E7);
    double lat2 = Math.toRadians(to.getLatitude() / E7);
    double dLat = lat2 - lat1;
    double dLon = Math.toRadians((to.getLongitude() - from.getLongitude()) / E7);
    double a =
        Math.pow(Math.sin(dLat / 2), 2)
            + Math.cos(lat1) * Math.cos(lat2) * Math.pow(Math.sin(dLon / 2), 2);
    return 2 * EARTH_RADIUS_METRES * Math.atan2(Math.sqrt(a), Math.sqrt(1 - a));
  }
}
