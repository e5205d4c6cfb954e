package dev.trunk.opentelemetry;

import static java.util.Objects.requireNonNull;

import dev.trunk.EventListener;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.propagation.TextMapPropagator;

/**
 * Trunk's OpenTelemetry metrics and traces: event listeners that record a server's or a channel's
 * calls and connections on the instruments of gRFC A66 ({@code grpc.server.call.duration}, {@code
 * grpc.client.attempt.started}, ...) and Trunk's own ({@code trunk.server.stream.opened}, {@code
 * trunk.server.connection.open}, ...), as docs/observability.md lists them.
 *
 * <p>Traces come from {@link #serverTracing} and {@link #channelTracing}; {@link #server} and
 * {@link #channel} install metrics and traces together:
 *
 * <pre>{@code
 * TrunkTelemetry telemetry = TrunkTelemetry.create(openTelemetry);
 * Server server = Server.builder().port(8080).service(new MyService())
 *     .eventListener(telemetry.server()).build().start();
 * Channel channel = Channel.forTarget("dns:///backend:8080")
 *     .eventListener(telemetry.channel("dns:///backend:8080")).build();
 * }</pre>
 *
 * <p>Labels stay bounded: {@code grpc.method} is a method's full name, or {@code other} past a
 * thousand distinct names; nothing per request or per peer.
 */
public final class TrunkTelemetry {
  /** The instrumentation scope of every instrument (Prometheus's {@code otel_scope_name}). */
  public static final String SCOPE = "dev.trunk";

  private final ServerInstruments server;
  private final ClientInstruments client;
  private final Tracer tracer;
  private final TextMapPropagator propagator;

  private TrunkTelemetry(Instruments instruments, OpenTelemetry openTelemetry) {
    this.server = ServerInstruments.of(instruments);
    this.client = new ClientInstruments(instruments);
    this.tracer = openTelemetry.getTracer(SCOPE);
    this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
  }

  /**
   * Metrics recorded on {@code openTelemetry}'s meter provider, spans on its tracer provider, trace
   * context carried in metadata by its propagators (W3C {@code traceparent} needs {@code
   * W3CTraceContextPropagator} among them, as the SDK's autoconfiguration has by default).
   */
  public static TrunkTelemetry create(OpenTelemetry openTelemetry) {
    requireNonNull(openTelemetry, "openTelemetry");
    return new TrunkTelemetry(new Instruments(openTelemetry.getMeter(SCOPE)), openTelemetry);
  }

  /**
   * The server's metrics and traces as one listener, for {@code Server.Builder.eventListener}: what
   * the {@link #serverListener} and the {@link #serverTracing} of one server record, with each
   * call's metrics and span kept in one object (cheaper per call than installing the two).
   */
  public EventListener server() {
    return new ServerListener(server, new ServerTracing(tracer, propagator));
  }

  /**
   * The channel's metrics and traces as one listener, for {@code Channel.Builder.eventListener}:
   * the {@link #channelListener} and the {@link #channelTracing} of one channel.
   */
  public EventListener channel(String target) {
    return EventListener.all(channelListener(target), channelTracing(target));
  }

  /**
   * A listener for {@code Server.Builder.eventListener} that traces the server's calls: a SERVER
   * span per call (docs/observability.md, "Tracing"), child of the trace context the request
   * metadata carries, current while the call's interceptors and handler run, so that the client
   * calls they make are its children.
   */
  public EventListener serverTracing() {
    return new ServerTracing(tracer, propagator);
  }

  /**
   * A listener for {@code Channel.Builder.eventListener} that traces the channel's calls: a CLIENT
   * span per call, child of the context current where the call starts, with a span per attempt
   * (retries and hedges) whose context each attempt's request metadata carries to the server.
   */
  public EventListener channelTracing(String target) {
    return new ClientTracing(tracer, propagator, requireNonNull(target, "target"));
  }

  /**
   * A listener for {@code Server.Builder.eventListener}: records the server's calls ({@code
   * grpc.server.*}, {@code trunk.server.*}) and its connections. One listener per server.
   */
  public EventListener serverListener() {
    return new ServerListener(server);
  }

  /**
   * A listener for {@code Channel.Builder.eventListener}: records the channel's calls and attempts
   * ({@code grpc.client.*}, {@code trunk.client.*}) and its connections, labelled {@code
   * grpc.target} = {@code target} (give the channel's target, as built). One listener per channel.
   */
  public EventListener channelListener(String target) {
    return new ClientListener(client, requireNonNull(target, "target"));
  }
}
