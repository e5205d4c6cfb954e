package dev.trunk.internal.netty;

import dev.trunk.TlsConfig;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.io.ByteArrayInputStream;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds JDK TLS contexts that negotiate {@code h2} with ALPN, as PROTOCOL-HTTP2.md requires. */
final class TlsContexts {
  private static final Logger log = LoggerFactory.getLogger(TlsContexts.class);

  private static final ApplicationProtocolConfig ALPN_H2 =
      new ApplicationProtocolConfig(
          ApplicationProtocolConfig.Protocol.ALPN,
          ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
          ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
          ApplicationProtocolNames.HTTP_2);

  private TlsContexts() {}

  static SslContext forServer(TlsConfig config) throws SSLException {
    byte[] chain =
        config
            .certificateChain()
            .orElseThrow(() -> new IllegalArgumentException("a TLS server needs keyPair(...)"));
    byte[] key = config.privateKey().orElseThrow();
    SslContextBuilder builder =
        SslContextBuilder.forServer(new ByteArrayInputStream(chain), new ByteArrayInputStream(key));
    config
        .trustedCertificates()
        .ifPresent(ca -> builder.trustManager(new ByteArrayInputStream(ca)));
    builder.clientAuth(config.requireClientAuth() ? ClientAuth.REQUIRE : ClientAuth.NONE);
    return finish(builder);
  }

  static SslContext forClient(TlsConfig config) throws SSLException {
    SslContextBuilder builder = SslContextBuilder.forClient();
    config
        .trustedCertificates()
        .ifPresent(ca -> builder.trustManager(new ByteArrayInputStream(ca)));
    if (config.certificateChain().isPresent()) {
      builder.keyManager(
          new ByteArrayInputStream(config.certificateChain().get()),
          new ByteArrayInputStream(config.privateKey().orElseThrow()));
    }
    return finish(builder);
  }

  private static SslContext finish(SslContextBuilder builder) throws SSLException {
    return builder
        .sslProvider(SslProvider.JDK)
        .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
        .applicationProtocolConfig(ALPN_H2)
        .build();
  }

  /** Closes a TLS connection whose handshake failed or did not select {@code h2} with ALPN. */
  static final class RequireH2 extends ChannelInboundHandlerAdapter {
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
      if (event instanceof SslHandshakeCompletionEvent done) {
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        if (!done.isSuccess()) {
          log.debug("TLS handshake with {} failed", ctx.channel().remoteAddress(), done.cause());
          ctx.close();
        } else if (!ApplicationProtocolNames.HTTP_2.equals(ssl.applicationProtocol())) {
          log.debug("{} did not negotiate h2 with ALPN; closing", ctx.channel().remoteAddress());
          ctx.close();
        } else {
          ctx.pipeline().remove(this);
        }
      }
      super.userEventTriggered(ctx, event);
    }
  }
}
