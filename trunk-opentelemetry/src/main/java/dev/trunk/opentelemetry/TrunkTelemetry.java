package dev.trunk.opentelemetry;

import static java.util.Objects.requireNonNull;

import dev.trunk.EventListener;
import io.opentelemetry.api.OpenTelemetry;

/**
 * Trunk's OpenTelemetry metrics: event listeners that record a server's or a channel's calls and
 * connections on the instruments of gRFC A66 ({@code grpc.server.call.duration}, {@code
 * grpc.client.attempt.started}, ...) and Trunk's own ({@code trunk.server.stream.opened}, {@code
 * trunk.server.connection.open}, ...), as docs/observability.md lists them.
 *
 * <pre>{@code
 * TrunkTelemetry telemetry = TrunkTelemetry.create(openTelemetry);
 * Server server = Server.builder().port(8080).service(new MyService())
 *     .eventListener(telemetry.serverListener()).build().start();
 * Channel channel = Channel.forTarget("dns:///backend:8080")
 *     .eventListener(telemetry.channelListener("dns:///backend:8080")).build();
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

  private TrunkTelemetry(Instruments instruments) {
    this.server = new ServerInstruments(instruments);
    this.client = new ClientInstruments(instruments);
  }

  /** Metrics recorded on {@code openTelemetry}'s meter provider. */
  public static TrunkTelemetry create(OpenTelemetry openTelemetry) {
    requireNonNull(openTelemetry, "openTelemetry");
    return new TrunkTelemetry(new Instruments(openTelemetry.getMeter(SCOPE)));
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
