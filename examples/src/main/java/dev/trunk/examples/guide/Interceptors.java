package dev.trunk.examples.guide;

import dev.trunk.CallInfo;
import dev.trunk.CallObserver;
import dev.trunk.Interceptor;
import dev.trunk.Metadata;
import dev.trunk.Status;
import java.util.function.Consumer;

/** The guide's section "Interceptors": one type for client and server. */
public final class Interceptors {
  private Interceptors() {}

  // tag::server-auth[]
  /** Refuses calls without the right bearer token, before the handler runs. */
  public static Interceptor requireToken(String token) {
    return new Interceptor() {
      @Override
      public <Req, Resp> CallObserver<Req, Resp> interceptCall(
          CallInfo<Req, Resp> call, Metadata requestHeaders) {
        if (!("Bearer " + token).equals(requestHeaders.get("authorization"))) {
          throw Status.UNAUTHENTICATED.withDescription("missing or wrong token").asException();
        }
        return CallObserver.none();
      }
    };
  }

  // end::server-auth[]

  // tag::client-token[]
  /** Adds the bearer token to every call of the channel it is installed on. */
  public static Interceptor sendToken(String token) {
    return new Interceptor() {
      @Override
      public <Req, Resp> CallObserver<Req, Resp> interceptCall(
          CallInfo<Req, Resp> call, Metadata requestHeaders) {
        requestHeaders.add("authorization", "Bearer " + token); // mutable on the client
        return CallObserver.none();
      }
    };
  }

  // end::client-token[]

  // tag::observer[]
  /** Reports each call's method, outcome and duration, on the client or the server. */
  public static Interceptor timing(Consumer<String> report) {
    return new Interceptor() {
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
}
