package dev.trunk.examples.guide;

import dev.trunk.CallContext;
import dev.trunk.Status;
import dev.trunk.StreamSender;
import dev.trunk.examples.routeguide.Feature;
import dev.trunk.examples.routeguide.FeatureDatabase;
import dev.trunk.examples.routeguide.Rectangle;
import dev.trunk.examples.routeguide.RouteGuide;
import java.util.Iterator;

/** The guide's section "Non-blocking handlers": a route guide that never blocks. */
public final class NonBlocking {
  private NonBlocking() {}

  // tag::service[]
  /** Register with Server.Builder.nonBlockingService: its handlers run on the I/O thread. */
  public static final class EventLoopGuide implements RouteGuide {
    private final FeatureDatabase db;

    public EventLoopGuide(FeatureDatabase db) {
      this.db = db;
    }

    @Override
    public void listFeatures(Rectangle area, StreamSender<Feature> responses) {
      CallContext call = CallContext.current();
      Iterator<Feature> features = db.in(area).iterator();
      call.finishLater(); // the call stays open after this method returns
      new Runnable() {
        @Override
        public void run() {
          while (call.isReady() && features.hasNext()) { // send never blocks here
            responses.send(features.next());
          }
          if (features.hasNext()) {
            call.onReady(this); // continue once the client has read some
          } else {
            call.finish(Status.OK);
          }
        }
      }.run();
    }
  }
  // end::service[]
}
