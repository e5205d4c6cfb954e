package dev.trunk.internal.client;

import static java.util.Objects.requireNonNull;

import dev.trunk.BidiStreamingCall;
import dev.trunk.CallContext;
import dev.trunk.CallOptions;
import dev.trunk.Channel;
import dev.trunk.ClientStreamingCall;
import dev.trunk.ConnectivityState;
import dev.trunk.Deadline;
import dev.trunk.EventListener.CallEvents;
import dev.trunk.Metadata;
import dev.trunk.MethodDescriptor;
import dev.trunk.ResponseStream;
import dev.trunk.Status;
import dev.trunk.StatusException;
import dev.trunk.internal.CallInfoImpl;
import dev.trunk.internal.CurrentCall;
import dev.trunk.internal.ObserverChain;
import dev.trunk.internal.client.config.MethodConfig;
import dev.trunk.internal.client.config.ServiceConfig;
import dev.trunk.internal.server.ServerCallImpl;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The {@link Channel} behind {@code Channel.forAddress(...).build()}: makes calls on a {@link
 * ClientTransport}. A call made on a server handler's thread inherits that call's deadline and is
 * cancelled with it.
 */
public final class ChannelImpl implements Channel {
  // One name for all callback threads, as for handler threads: no string built per call.
  private static final ThreadFactory CALLBACK_THREADS =
      Thread.ofVirtual().name("trunk-callback").factory();

  private final ChannelConfig config;
  private final ClientTransport transport;
  private final Supplier<ServiceConfig> serviceConfig;
  private final @Nullable ChannelCore core;
  private final Executor callbackExecutor;
  private volatile boolean shutdown;

  /** A channel resolving its target and balancing its calls with {@code core}. */
  public ChannelImpl(ChannelConfig config, ChannelCore core) {
    this(config, core.transport(), core::serviceConfig, core);
  }

  /**
   * A channel making calls on {@code transport} (always READY), with the method settings of the
   * service config {@code serviceConfig} returns when each call starts.
   */
  public ChannelImpl(
      ChannelConfig config, ClientTransport transport, Supplier<ServiceConfig> serviceConfig) {
    this(config, transport, serviceConfig, null);
  }

  private ChannelImpl(
      ChannelConfig config,
      ClientTransport transport,
      Supplier<ServiceConfig> serviceConfig,
      @Nullable ChannelCore core) {
    this.config = config;
    this.transport = new RetryingTransport(transport, serviceConfig);
    this.serviceConfig = serviceConfig;
    this.core = core;
    Executor configured = config.callbackExecutor();
    this.callbackExecutor = configured != null ? configured : ChannelImpl::startCallbackThread;
  }

  /**
   * The default callback executor: a new virtual thread per completed {@code unaryCallAsync}, so a
   * callback that blocks holds up nothing but itself.
   */
  private static void startCallbackThread(Runnable task) {
    CALLBACK_THREADS.newThread(task).start();
  }

  @Override
  public <Req, Resp> Resp unaryCall(
      MethodDescriptor<Req, Resp> method, Req request, CallOptions options) {
    requireNonNull(request, "request");
    // The caller's thread waits for the raw response, then decodes it and runs the observers.
    return start(method, options, request, null).awaitResult();
  }

  @Override
  public <Req, Resp> CompletableFuture<Resp> unaryCallAsync(
      MethodDescriptor<Req, Resp> method, Req request, CallOptions options) {
    requireNonNull(request, "request");
    try {
      return start(method, options, request, callbackExecutor).unaryResult();
    } catch (StatusException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public <Req, Resp> ResponseStream<Resp> serverStreamingCall(
      MethodDescriptor<Req, Resp> method, Req request, CallOptions options) {
    return start(method, options, requireNonNull(request, "request"), null);
  }

  @Override
  public <Req, Resp> ClientStreamingCall<Req, Resp> clientStreamingCall(
      MethodDescriptor<Req, Resp> method, CallOptions options) {
    return start(method, options, null, null);
  }

  @Override
  public <Req, Resp> BidiStreamingCall<Req, Resp> bidiStreamingCall(
      MethodDescriptor<Req, Resp> method, CallOptions options) {
    return start(method, options, null, null);
  }

  private <Req, Resp> ClientCallImpl<Req, Resp> start(
      MethodDescriptor<Req, Resp> method,
      CallOptions options,
      @Nullable Req firstMessage,
      @Nullable Executor callbackExecutor) {
    requireNonNull(method, "method");
    requireNonNull(options, "options");
    if (shutdown) {
      throw ClientTransport.channelClosed();
    }
    ServerCallImpl<?, ?> parent = parentCall();
    MethodConfig methodConfig = serviceConfig.get().forMethod(method.fullName());
    Deadline deadline = earlier(options.effectiveDeadline(), configuredDeadline(methodConfig));
    deadline = earlier(deadline, parent == null ? null : parent.deadline().orElse(null));
    Metadata metadata = options.metadata();
    CallInfoImpl<Req, Resp> info =
        new CallInfoImpl<>(method, false, deadline, config.authority(), null, null);
    CallEvents events = config.events().callStarted(info, metadata);
    ObserverChain<Req, Resp> observers;
    try {
      observers = ObserverChain.start(config.interceptors(), info, metadata);
    } catch (StatusException e) {
      events.closed(e.status(), e.trailers()); // refused before any stream: not an abort
      throw e;
    }
    String encoding = options.compression().filter(e -> !e.equals("identity")).orElse(null);
    boolean waitForReady =
        options.waitForReady().orElse(Boolean.TRUE.equals(methodConfig.waitForReady()));
    CallStart callStart =
        new CallStart(method, metadata, deadline, encoding, waitForReady, methodConfig);
    ClientCallImpl<Req, Resp> call =
        new ClientCallImpl<>(
            method,
            transport,
            callStart,
            maxInboundMessageSize(methodConfig),
            observers,
            callbackExecutor,
            events);
    info.countAttemptsWith(call::attempts);
    call.start(firstMessage);
    if (parent != null) {
      call.linkToParent(
          parent.addCancelListener(
              () ->
                  call.cancelFromParent(
                      Status.CANCELLED.withDescription(
                          "the server call that made this call was cancelled"))));
    }
    return call;
  }

  /** A method's service config timeout as a deadline from now (gRFC A2), or null. */
  private static @Nullable Deadline configuredDeadline(MethodConfig methodConfig) {
    Duration timeout = methodConfig.timeout();
    return timeout == null ? null : Deadline.after(timeout);
  }

  private static @Nullable Deadline earlier(@Nullable Deadline a, @Nullable Deadline b) {
    if (a == null) {
      return b;
    }
    return b == null ? a : a.min(b);
  }

  /** The smaller of the channel's limit and the method's maxResponseMessageBytes (gRFC A2). */
  private int maxInboundMessageSize(MethodConfig methodConfig) {
    Integer configured = methodConfig.maxResponseMessageBytes();
    int limit = config.maxInboundMessageSize();
    return configured == null ? limit : Math.min(limit, configured);
  }

  private static @Nullable ServerCallImpl<?, ?> parentCall() {
    CallContext current = CurrentCall.get().orElse(null);
    return current instanceof ServerCallImpl<?, ?> serverCall ? serverCall : null;
  }

  @Override
  public String authority() {
    return config.authority();
  }

  @Override
  public ConnectivityState state(boolean requestConnection) {
    if (shutdown) {
      return ConnectivityState.SHUTDOWN;
    }
    return core == null ? ConnectivityState.READY : core.state(requestConnection);
  }

  @Override
  public void addStateListener(Consumer<ConnectivityState> listener) {
    requireNonNull(listener, "listener");
    if (core != null) {
      core.addStateListener(listener);
    }
  }

  @Override
  public void removeStateListener(Consumer<ConnectivityState> listener) {
    if (core != null) {
      core.removeStateListener(listener);
    }
  }

  @Override
  public void shutdownNow() {
    shutdown = true;
    transport.shutdownNow();
  }

  @Override
  public void close() {
    shutdown = true;
    transport.shutdown();
  }

  @Override
  public String toString() {
    return "Channel(" + config.authority() + ")";
  }
}
