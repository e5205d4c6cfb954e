package dev.trunk.examples.guide;

import dev.trunk.BidiStreamingCall;
import dev.trunk.Channel;
import dev.trunk.ClientStreamingCall;
import dev.trunk.ResponseStream;
import dev.trunk.Server;
import dev.trunk.StreamReceiver;
import dev.trunk.StreamSender;
import dev.trunk.examples.routeguide.Feature;
import dev.trunk.examples.routeguide.FeatureDatabase;
import dev.trunk.examples.routeguide.Point;
import dev.trunk.examples.routeguide.Rectangle;
import dev.trunk.examples.routeguide.RouteGuide;
import dev.trunk.examples.routeguide.RouteGuideClient;
import dev.trunk.examples.routeguide.RouteNote;
import dev.trunk.examples.routeguide.RouteSummary;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The guide's section "Services and the four call kinds", both sides. */
public final class CallKinds {
  private CallKinds() {}

  // tag::service[]
  /** Every method is a plain blocking method; each call runs on its own virtual thread. */
  public static final class MapService implements RouteGuide {
    private final FeatureDatabase db;

    public MapService(FeatureDatabase db) {
      this.db = db;
    }

    @Override // unary: return the response
    public Feature getFeature(Point point) {
      return db.at(point).orElse(Feature.newBuilder().setLocation(point).build());
    }

    @Override // server streaming: send any number of responses, then return
    public void listFeatures(Rectangle area, StreamSender<Feature> responses) {
      for (Feature feature : db.in(area)) {
        responses.send(feature); // blocks while the client is slow to read
      }
    }

    @Override // client streaming: read requests until the client half-closes, then return
    public RouteSummary recordRoute(StreamReceiver<Point> points) {
      int count = 0;
      for (Point point : points) { // receive() until null, as an Iterable
        count++;
      }
      return RouteSummary.newBuilder().setPointCount(count).build();
    }

    @Override // bidirectional: read and send in any order
    public void routeChat(StreamReceiver<RouteNote> notes, StreamSender<RouteNote> replies) {
      RouteNote note;
      while ((note = notes.receive()) != null) {
        replies.send(note.toBuilder().setMessage("seen: " + note.getMessage()).build());
      }
    }
  }

  // end::service[]

  /** Starts a route guide server on a free loopback port. */
  public static Server start(FeatureDatabase db) throws IOException {
    // tag::server[]
    Server server =
        Server.builder()
            .address("127.0.0.1", 0) // port 0: pick a free port; server.port() tells which
            .service(new MapService(db))
            .build()
            .start();
    // end::server[]
    return server;
  }

  /** Makes one call of each kind; returns what came back, one line per response. */
  public static List<String> tour(int port) throws Exception {
    List<String> seen = new ArrayList<>();
    // tag::client[]
    try (Channel channel = Channel.forAddress("127.0.0.1", port).build()) { // share one per server
      RouteGuideClient guide = RouteGuideClient.create(channel).withTimeout(Duration.ofSeconds(5));

      // Unary, blocking: returns the response or throws StatusException.
      Feature feature = guide.getFeature(FeatureDatabase.pointAt(1, 1));

      // Unary, async: cancelling the future cancels the call.
      CompletableFuture<Feature> later = guide.getFeatureAsync(FeatureDatabase.pointAt(2, 2));

      // Server streaming: iterate; closing the stream early cancels the call.
      Rectangle area =
          Rectangle.newBuilder()
              .setLo(FeatureDatabase.pointAt(0, 0))
              .setHi(FeatureDatabase.pointAt(1, 1))
              .build();
      try (ResponseStream<Feature> features = guide.listFeatures(area)) {
        for (Feature f : features) {
          seen.add(f.getName());
        }
      }

      // Client streaming: send, then complete() half-closes and waits for the response.
      try (ClientStreamingCall<Point, RouteSummary> route = guide.recordRoute()) {
        route.send(FeatureDatabase.pointAt(0, 0));
        route.send(FeatureDatabase.pointAt(0, 1));
        RouteSummary summary = route.complete();
        seen.add(summary.getPointCount() + " points");
      }

      // Bidirectional: send and receive in any order (or on two threads), then closeSend().
      try (BidiStreamingCall<RouteNote, RouteNote> chat = guide.routeChat()) {
        chat.send(RouteNote.newBuilder().setMessage("hello").build());
        seen.add(chat.receive().getMessage());
        chat.closeSend();
        chat.forEach(reply -> seen.add(reply.getMessage())); // what is left, until the end
      }
      seen.add(feature.getName());
      seen.add(later.get().getName());
    }
    // end::client[]
    return seen;
  }
}
