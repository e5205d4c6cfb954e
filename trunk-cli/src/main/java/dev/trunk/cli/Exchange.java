package dev.trunk.cli;

import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import dev.trunk.BidiStreamingCall;
import dev.trunk.CallOptions;
import dev.trunk.Channel;
import dev.trunk.ClientStreamingCall;
import dev.trunk.MethodDescriptor;
import dev.trunk.ResponseStream;
import dev.trunk.StatusException;
import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * One {@code call}: sends the requests of a {@link RequestInput} and prints each response as a line
 * of JSON as it arrives, for each of the four call kinds. A bidirectional call sends each line as
 * it is read, so an interactive user sees each answer before typing the next request.
 */
final class Exchange {
  private final Channel channel;
  private final DynamicMethod method;
  private final Json json;
  private final RequestInput input;
  private final PrintWriter out;
  private final CallOptions options;

  Exchange(
      Channel channel,
      DynamicMethod method,
      Json json,
      RequestInput input,
      PrintWriter out,
      CallOptions options) {
    this.channel = channel;
    this.method = method;
    this.json = json;
    this.input = input;
    this.out = out;
    this.options = options;
  }

  /**
   * Makes the call.
   *
   * @throws StatusException if it fails
   * @throws CliException if a request is not valid JSON for the method's input
   */
  void run() {
    MethodDescriptor<DynamicMessage, DynamicMessage> rpc = method.rpc();
    switch (method.type()) {
      case UNARY -> print(channel.unaryCall(rpc, single(), options));
      case SERVER_STREAMING -> serverStreaming(rpc);
      case CLIENT_STREAMING -> clientStreaming(rpc);
      case BIDI_STREAMING -> bidiStreaming(rpc);
    }
  }

  private void serverStreaming(MethodDescriptor<DynamicMessage, DynamicMessage> rpc) {
    try (ResponseStream<DynamicMessage> responses =
        channel.serverStreamingCall(rpc, single(), options)) {
      responses.forEach(this::print);
    }
  }

  private void clientStreaming(MethodDescriptor<DynamicMessage, DynamicMessage> rpc) {
    try (ClientStreamingCall<DynamicMessage, DynamicMessage> call =
        channel.clientStreamingCall(rpc, options)) {
      for (DynamicMessage request = next(); request != null; request = next()) {
        call.send(request);
      }
      print(call.complete());
    }
  }

  private void bidiStreaming(MethodDescriptor<DynamicMessage, DynamicMessage> rpc) {
    AtomicReference<RuntimeException> inputFailure = new AtomicReference<>();
    try (BidiStreamingCall<DynamicMessage, DynamicMessage> call =
        channel.bidiStreamingCall(rpc, options)) {
      Thread sender =
          Thread.ofVirtual().name("trunk-call-sender").start(() -> send(call, inputFailure));
      try {
        call.forEach(this::print);
      } catch (StatusException e) {
        rethrowInputFailure(inputFailure);
        throw e;
      } finally {
        sender.interrupt();
      }
    }
    rethrowInputFailure(inputFailure);
  }

  /** Sends each line until the input ends (then half-closes) or a line is not valid JSON. */
  private void send(
      BidiStreamingCall<DynamicMessage, DynamicMessage> call,
      AtomicReference<RuntimeException> inputFailure) {
    try {
      for (DynamicMessage request = next(); request != null; request = next()) {
        call.send(request);
      }
      call.closeSend();
    } catch (CliException e) {
      inputFailure.set(e);
      call.cancel();
    } catch (StatusException | IllegalStateException e) {
      // The call has ended; the receiving side reports how.
    }
  }

  private static void rethrowInputFailure(AtomicReference<RuntimeException> inputFailure) {
    RuntimeException failure = inputFailure.get();
    if (failure != null) {
      throw failure;
    }
  }

  private DynamicMessage single() {
    return json.parse(input.whole(), method.proto().getInputType(), input.name());
  }

  private @Nullable DynamicMessage next() {
    String line = input.next();
    return line == null ? null : json.parse(line, method.proto().getInputType(), input.where());
  }

  private void print(Message response) {
    out.println(json.print(response));
    out.flush();
  }
}
