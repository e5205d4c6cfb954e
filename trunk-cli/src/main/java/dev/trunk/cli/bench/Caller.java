package dev.trunk.cli.bench;

import com.google.protobuf.DynamicMessage;
import dev.trunk.BidiStreamingCall;
import dev.trunk.CallOptions;
import dev.trunk.Channel;
import dev.trunk.ClientStreamingCall;
import dev.trunk.Codec;
import dev.trunk.MethodDescriptor;
import dev.trunk.ResponseStream;
import dev.trunk.Status;
import dev.trunk.StatusException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * Makes one call of a method of any kind with the run's request messages, parsed and encoded once
 * and reused as bytes; responses are received whole but never decoded, so that the load generator
 * spends its time on calls, not on {@code DynamicMessage} (as h2load, which sends fixed bytes):
 * unary (asynchronously, no thread per call); server streaming (send the request, read every
 * response); client streaming (send every request, read the response); bidi streaming (send each
 * request and read one response, ping-pong, then half-close and read to the end). Streaming calls
 * run on a virtual thread each.
 */
final class Caller {
  /** Told how a call ended, on whatever thread ended it. */
  @FunctionalInterface
  interface Ended {
    void ended(Status.Code code);
  }

  private final MethodDescriptor<DynamicMessage, DynamicMessage> method;
  private final MethodDescriptor<byte[], byte[]> raw;
  private final List<byte[]> requests;
  private final CallOptions options;

  /**
   * A caller of {@code method} sending {@code requests}.
   *
   * @throws IllegalArgumentException if a method that takes one request gets another number
   */
  Caller(
      MethodDescriptor<DynamicMessage, DynamicMessage> method,
      List<DynamicMessage> requests,
      CallOptions options) {
    if (method.type().clientSendsOne() && requests.size() != 1) {
      throw new IllegalArgumentException(
          method.fullName() + " takes one request message; the input has " + requests.size());
    }
    this.method = method;
    this.raw = raw(method);
    this.requests = requests.stream().map(DynamicMessage::toByteArray).toList();
    this.options = options;
  }

  /** {@code method} with the same name, kind and side effects, carrying encoded messages. */
  private static MethodDescriptor<byte[], byte[]> raw(
      MethodDescriptor<DynamicMessage, DynamicMessage> method) {
    MethodDescriptor<byte[], byte[]> raw =
        MethodDescriptor.of(
            method.serviceName(), method.methodName(), method.type(), ENCODED, ENCODED);
    return method.noSideEffects() ? raw.withNoSideEffects() : raw;
  }

  /** What every received message reads as: its bytes are taken, not kept. */
  private static final byte[] UNREAD = new byte[0];

  /** Messages as their encoded bytes: written as they are, and read without decoding. */
  private static final Codec<byte[]> ENCODED =
      new Codec<>() {
        @Override
        public int encodedSize(byte[] message) {
          return message.length;
        }

        @Override
        public void encode(byte[] message, ByteBuffer target) {
          target.put(message);
        }

        @Override
        public byte[] decode(ByteBuffer source) {
          source.position(source.limit());
          return UNREAD;
        }
      };

  /** The method called. */
  MethodDescriptor<DynamicMessage, DynamicMessage> method() {
    return method;
  }

  /** Starts one call on {@code channel}; {@code ended} hears its status code once. */
  void start(Channel channel, Ended ended) {
    if (method.type() == MethodDescriptor.Type.UNARY) {
      startUnary(channel, ended);
      return;
    }
    Thread.startVirtualThread(() -> ended.ended(blocking(channel)));
  }

  private void startUnary(Channel channel, Ended ended) {
    try {
      channel
          .unaryCallAsync(raw, requests.get(0), options)
          .whenComplete((response, error) -> ended.ended(code(error)));
    } catch (RuntimeException e) {
      ended.ended(code(e));
    }
  }

  private Status.Code blocking(Channel channel) {
    try {
      switch (method.type()) {
        case SERVER_STREAMING -> serverStreaming(channel);
        case CLIENT_STREAMING -> clientStreaming(channel);
        default -> bidiStreaming(channel);
      }
      return Status.Code.OK;
    } catch (RuntimeException e) {
      return code(e);
    }
  }

  private void serverStreaming(Channel channel) {
    try (ResponseStream<byte[]> responses =
        channel.serverStreamingCall(raw, requests.get(0), options)) {
      while (responses.receive() != null) {
        // Every response is read; the call's time runs to its end.
      }
    }
  }

  private void clientStreaming(Channel channel) {
    try (ClientStreamingCall<byte[], byte[]> call = channel.clientStreamingCall(raw, options)) {
      for (byte[] request : requests) {
        call.send(request);
      }
      call.complete();
    }
  }

  private void bidiStreaming(Channel channel) {
    try (BidiStreamingCall<byte[], byte[]> call = channel.bidiStreamingCall(raw, options)) {
      for (byte[] request : requests) {
        call.send(request);
        if (call.receive() == null) {
          return; // the server ended the call (OK) before the last request
        }
      }
      call.closeSend();
      while (call.receive() != null) {
        // Read to the end of the call, so that its status is known.
      }
    }
  }

  /** The status code a call ended with: OK for no error, UNKNOWN for a failure without status. */
  static Status.Code code(@Nullable Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause == null) {
      return Status.Code.OK;
    }
    return cause instanceof StatusException status ? status.status().code() : Status.Code.UNKNOWN;
  }
}
