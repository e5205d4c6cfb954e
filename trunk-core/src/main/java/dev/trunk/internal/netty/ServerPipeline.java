package dev.trunk.internal.netty;

import dev.trunk.EventListener;
import dev.trunk.internal.InboundBudget;
import dev.trunk.internal.server.MethodRegistry;
import dev.trunk.internal.server.ServerConfig;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpServerCodec;

/**
 * The handlers of a server connection once its HTTP version is known: from the first bytes on a
 * plaintext port ({@link HttpVersionDetector}), from ALPN after a TLS handshake ({@code h2} or
 * {@code http/1.1}). HTTP/2 serves all three protocols; HTTP/1.1 serves gRPC-Web and Connect.
 */
final class ServerPipeline {
  /**
   * The longest HTTP/1.1 request line: room for a Connect GET, whose message travels in the query
   * (connectrpc.com/docs/protocol, Unary-Get-Request); longer ones get 414.
   */
  static final int MAX_REQUEST_LINE = 64 * 1024;

  /** The largest chunk of an HTTP/1.1 body passed on at once (Netty's default). */
  static final int MAX_CHUNK = 8192;

  private final ServerConfig config;
  private final MethodRegistry registry;
  private final InboundBudget budget;

  ServerPipeline(ServerConfig config, MethodRegistry registry, InboundBudget budget) {
    this.config = config;
    this.registry = registry;
    this.budget = budget;
  }

  /** Adds the HTTP/2 connection handler. */
  void http2(ChannelPipeline pipeline) {
    pipeline.addLast(ServerHandler.create(config, registry, budget));
    ConnectionReporter.addTo(pipeline, config.events(), true, "h2");
  }

  /** Adds HTTP/1.1's codec and the handler that runs one exchange at a time. */
  void http1(ChannelPipeline pipeline) {
    pipeline.addLast(
        new HttpServerCodec(MAX_REQUEST_LINE, config.maxHeaderListSize(), MAX_CHUNK),
        new Http1ServerHandler(config, registry, budget));
    ConnectionReporter.addTo(pipeline, config.events(), true, "http/1.1");
  }

  /** The server's event listeners, as one. */
  EventListener events() {
    return config.events();
  }

  long handshakeTimeoutNanos() {
    return config.connections().handshakeTimeoutNanos();
  }
}
