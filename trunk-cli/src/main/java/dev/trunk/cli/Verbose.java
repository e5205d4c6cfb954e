package dev.trunk.cli;

import dev.trunk.CallInfo;
import dev.trunk.CallObserver;
import dev.trunk.Interceptor;
import dev.trunk.Metadata;
import dev.trunk.Status;
import java.io.PrintWriter;
import java.util.Base64;

/**
 * {@code -v}: prints the response headers and trailers of calls to standard error (as grpcurl words
 * them), so that standard output keeps only the JSON responses; the reflection calls that load the
 * schema are left out. Binary values are printed in base64.
 */
final class Verbose implements Interceptor {
  private static final String REFLECTION_PACKAGE = "grpc.reflection.";

  private final PrintWriter err;

  /** Prints the metadata of calls to {@code err}. */
  Verbose(PrintWriter err) {
    this.err = err;
  }

  @Override
  public <Req, Resp> CallObserver<Req, Resp> interceptCall(
      CallInfo<Req, Resp> call, Metadata requestHeaders) {
    if (call.method().serviceName().startsWith(REFLECTION_PACKAGE)) {
      return CallObserver.none();
    }
    return new CallObserver<>() {
      @Override
      public void onResponseHeaders(Metadata headers) {
        print("Response headers received:", headers);
      }

      @Override
      public void onClose(Status status, Metadata trailers) {
        print("Response trailers received:", trailers);
      }
    };
  }

  private void print(String title, Metadata metadata) {
    StringBuilder text = new StringBuilder(title).append(System.lineSeparator());
    metadata.forEach(
        (key, value) ->
            text.append(key)
                .append(": ")
                .append(
                    value instanceof byte[] bytes
                        ? Base64.getEncoder().encodeToString(bytes)
                        : value)
                .append(System.lineSeparator()));
    synchronized (err) {
      err.print(text);
      err.flush();
    }
  }
}
