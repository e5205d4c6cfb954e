package dev.trunk.examples.guide;

import dev.trunk.CallInfo;
import dev.trunk.CallObserver;
import dev.trunk.ContextKey;
import dev.trunk.Interceptor;
import dev.trunk.Metadata;
import dev.trunk.Server;
import dev.trunk.Status;
import java.io.IOException;
import java.util.Map;
import java.util.function.Consumer;

/** The guide's section "Interceptors": one type for client and server. */
public final class Interceptors {
  private Interceptors() {}

  // tag::context-key[]
  /** The authenticated user, which {@link #authenticate} puts for the handlers. */
  public static final ContextKey<String> USER = ContextKey.named("user");

  // end::context-key[]

  // tag::server-auth[]
  /** Refuses calls without a known bearer token, before the handler runs; tells it who called. */
  public static Interceptor authenticate(Map<String, String> usersByToken) {
    return Interceptor.onStart(
        (call, requestHeaders) -> {
          String token = requestHeaders.get("authorization"); // null when absent
          String user = token == null ? null : usersByToken.get(token);
          if (user == null) {
            throw Status.UNAUTHENTICATED.withDescription("missing or unknown token").asException();
          }
          call.put(USER, user); // the handler reads USER.get()
        });
  }

  // end::server-auth[]

  // tag::handler[]
  /** Prices by who asks: members pay less. */
  public static final class MemberPricing implements Pricing {
    @Override
    public Price getPrice(ItemRequest request) {
      String user = USER.get(); // IllegalStateException if no interceptor put it
      return Price.newBuilder().setCents(user.startsWith("member:") ? 200 : 250).build();
    }
  }

  // end::handler[]

  // tag::client-token[]
  /** Adds the bearer token to every call of the channel it is attached to. */
  public static Interceptor sendToken(String token) {
    return Interceptor.onStart(
        (call, requestHeaders) -> requestHeaders.add("authorization", "Bearer " + token));
  }

  // end::client-token[]

  // tag::observer[]
  /** Reports each call's method, outcome and duration, on the client or the server. */
  public static Interceptor timing(Consumer<String> report) {
    return new Interceptor() { // a class, not a lambda: interceptCall is generic
      @Override
      public <Req, Resp> CallObserver<Req, Resp> interceptCall(
          CallInfo<Req, Resp> call, Metadata requestHeaders) {
        long start = System.nanoTime();
        return new CallObserver<>() {
          @Override
          public void onClose(Status status, Metadata trailers) {
            long micros = (System.nanoTime() - start) / 1_000;
            String side = call.isServer() ? "server" : "client";
            report.accept(
                side + " " + call.method().fullName() + " " + status.code() + " " + micros + " us");
          }
        };
      }
    };
  }

  // end::observer[]

  /** A server with the interceptors attached server-wide, per service and per method. */
  public static Server start(
      Map<String, String> usersByToken, Inventory inventory, Consumer<String> report)
      throws IOException {
    // tag::attach[]
    Interceptor auth = authenticate(usersByToken);
    Server server =
        Server.builder()
            .address("127.0.0.1", 0)
            .intercept(timing(report)) // every call of the server
            .service(new MemberPricing().serviceDefinition().intercept(auth)) // every Pricing call
            .service(inventory.serviceDefinition().intercept("WatchItem", auth)) // one method
            .build()
            .start();
    // end::attach[]
    return server;
  }
}
