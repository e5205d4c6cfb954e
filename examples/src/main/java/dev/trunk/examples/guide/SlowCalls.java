package dev.trunk.examples.guide;

import dev.trunk.CallInfo;
import dev.trunk.EventListener;
import dev.trunk.Metadata;
import dev.trunk.Server;
import dev.trunk.Status;
import java.io.IOException;
import java.time.Duration;
import java.util.function.Consumer;

/** The guide's section "Events": a slow-call logger built on the event seam. */
public final class SlowCalls {
  private SlowCalls() {}

  // tag::listener[]
  /** Reports each call that took {@code threshold} or longer: method, status, time and bytes. */
  public static EventListener logger(Duration threshold, Consumer<String> report) {
    long thresholdNanos = threshold.toNanos();
    return new EventListener() {
      @Override
      public CallEvents callStarted(CallInfo<?, ?> call, Metadata requestHeaders) {
        long start = System.nanoTime();
        return new CallEvents() {
          // Events come one at a time, under the call's lock: plain fields will do.
          private long bytesIn;
          private long bytesOut;

          @Override
          public void messageReceived(long wireSize, long size) {
            bytesIn += wireSize;
          }

          @Override
          public void messageSent(long wireSize, long size) {
            bytesOut += wireSize;
          }

          @Override
          public void closed(Status status, Metadata trailers) {
            long millis = (System.nanoTime() - start) / 1_000_000;
            if (millis * 1_000_000 >= thresholdNanos) {
              report.accept(
                  (call.isServer() ? "server" : "client")
                      + " slow call "
                      + call.method().fullName()
                      + " "
                      + status.code()
                      + " in "
                      + millis
                      + " ms, bytes in "
                      + bytesIn
                      + ", out "
                      + bytesOut);
            }
          }
        };
      }
    };
  }

  // end::listener[]

  /** A pricing server whose calls taking {@code threshold} or longer are reported. */
  public static Server pricingServer(Pricing pricing, Duration threshold, Consumer<String> report)
      throws IOException {
    // tag::install[]
    Server server =
        Server.builder()
            .address("127.0.0.1", 0)
            .service(pricing.serviceDefinition())
            .eventListener(logger(threshold, report)) // a channel takes one the same way
            .build()
            .start();
    // end::install[]
    return server;
  }
}
