package dev.trunk.internal.netty;

import dev.trunk.EventListener;
import dev.trunk.Status;
import dev.trunk.StatusException;
import dev.trunk.TlsConfig;
import dev.trunk.TlsInfo;
import dev.trunk.internal.Log;
import dev.trunk.internal.client.ChannelConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.AttributeKey;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.jspecify.annotations.Nullable;

/**
 * Watches the TLS handshake of a connection: closes it when the handshake failed or ALPN did not
 * select {@code h2} (PROTOCOL-HTTP2.md), and says why in words a user can act on. A server logs one
 * line per failed connection; a client fails its calls with UNAVAILABLE and that reason.
 */
final class TlsHandshake {
  private static final Log log = Log.of(TlsHandshake.class);

  /** The TLS session of a connection, set once its handshake succeeded with the right protocol. */
  static final AttributeKey<TlsInfo> TLS_INFO = AttributeKey.valueOf(TlsHandshake.class, "info");

  /** Alerts a peer sends when it refuses the certificate we presented (RFC 8446 section 6.2). */
  private static final Set<String> CERTIFICATE_ALERTS =
      Set.of(
          "bad_certificate",
          "certificate_unknown",
          "unknown_ca",
          "unsupported_certificate",
          "certificate_revoked",
          "certificate_expired",
          "access_denied");

  private static final String RECEIVED_ALERT = "Received fatal alert: ";

  /** The alert name newer JDKs put before their message, as in "(certificate_unknown) PKIX...". */
  private static final Pattern ALERT_PREFIX = Pattern.compile("^\\([a-z_]+\\) ");

  private TlsHandshake() {}

  /**
   * On a server connection: logs a failed handshake as one INFO line naming the client and the
   * reason (a peer's mistake, not the server's: no stack trace), and records the session's {@link
   * TlsInfo} for the calls once the handshake succeeded.
   */
  static final class Server extends ChannelInboundHandlerAdapter {
    private final ServerPipeline pipeline;
    private boolean failed;

    private @Nullable HandshakeTimeout timeout;

    Server(ServerPipeline pipeline) {
      this.pipeline = pipeline;
    }

    /** The TLS handshake is bounded by the handshake timeout, as the HTTP/2 one is after it. */
    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      timeout = HandshakeTimeout.start(ctx, pipeline.handshakeTimeoutNanos());
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
      HandshakeTimeout pending = timeout;
      if (pending != null) {
        pending.cancel();
        timeout = null;
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
      if (event instanceof SslHandshakeCompletionEvent done) {
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        String alpn = ssl.applicationProtocol();
        if (!done.isSuccess()) {
          failed = true;
          logFailure(ctx, done.cause());
          pipeline.events().tlsHandshakeFailed(ctx.channel().remoteAddress(), done.cause());
          closeAfterFailure(ctx, done.cause());
        } else {
          ctx.channel().attr(TLS_INFO).set(info(ssl.engine().getSession()));
          addHttpHandlers(ctx, alpn);
          ctx.pipeline().remove(this);
        }
      }
      super.userEventTriggered(ctx, event);
    }

    /**
     * Closes a connection whose handshake failed. A client that sent plaintext first gets a TLS
     * alert record (fatal, unexpected_message: RFC 8446 section 6), written below the TLS engine,
     * so that it can tell it reached a TLS port.
     */
    private static void closeAfterFailure(ChannelHandlerContext ctx, Throwable cause) {
      ChannelHandlerContext tls = ctx.pipeline().context(SslHandler.class);
      if (find(cause, NotSslRecordException.class) == null || tls == null) {
        ctx.close();
        return;
      }
      tls.writeAndFlush(Unpooled.wrappedBuffer(UNEXPECTED_MESSAGE_ALERT))
          .addListener(written -> ctx.close());
    }

    /** A TLS 1.2 record (type alert, 21) holding a fatal (2) unexpected_message (10) alert. */
    private static final byte[] UNEXPECTED_MESSAGE_ALERT = {21, 3, 3, 0, 2, 2, 10};

    /**
     * The handlers for the protocol ALPN selected: h2 or http/1.1; without ALPN, the first bytes
     * tell (RFC 7301: a client that does not offer ALPN gets none).
     */
    private void addHttpHandlers(ChannelHandlerContext ctx, @Nullable String alpn) {
      if (ApplicationProtocolNames.HTTP_2.equals(alpn)) {
        pipeline.http2(ctx.pipeline());
      } else if (ApplicationProtocolNames.HTTP_1_1.equals(alpn)) {
        pipeline.http1(ctx.pipeline());
      } else {
        ctx.pipeline().addLast(new HttpVersionDetector(pipeline));
      }
    }

    /**
     * One line per failed connection, at INFO; at DEBUG when the client left without completing a
     * handshake (TCP health checks and port scanners do that all day).
     */
    private static void logFailure(ChannelHandlerContext ctx, Throwable cause) {
      String reason = reason(cause, true, false);
      if (closedDuringHandshake(cause, String.valueOf(cause.getMessage()))) {
        log.debug("TLS handshake with {} failed: {}", ctx.channel().remoteAddress(), reason);
      } else {
        log.info("TLS handshake with {} failed: {}", ctx.channel().remoteAddress(), reason);
      }
    }

    /** The TLS exception that follows the failed handshake was logged already. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
      if (failed && find(cause, SSLException.class) != null) {
        return;
      }
      super.exceptionCaught(ctx, cause);
    }
  }

  /**
   * On a client connection: turns a failed handshake, a TLS alert from the server and a session
   * without the protocol the channel speaks (h2; http/1.1 or none for an HTTP/1.1 channel, since
   * HTTP/1.1 is what a TLS connection without ALPN carries, RFC 7301) into an UNAVAILABLE {@link
   * dev.trunk.StatusException} passed to the connection handler, which fails the connection's calls
   * with it. Stays after the handshake: with TLS 1.3 the server's verdict on our certificate
   * arrives after our side has finished.
   */
  static final class Client extends LocalCloseAware {
    private final String target;
    private final boolean hasKeyPair;
    private final boolean http1;
    private final EventListener events;
    private boolean reported;

    Client(String target, ChannelConfig channel, boolean http1) {
      TlsConfig config = channel.tls();
      this.target = target;
      this.hasKeyPair = config != null && config.certificateChain().isPresent();
      this.http1 = http1;
      this.events = channel.events();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
      if (event instanceof SslHandshakeCompletionEvent done) {
        if (!done.isSuccess()) {
          report(ctx, done.cause());
        } else {
          SslHandler ssl = ctx.pipeline().get(SslHandler.class);
          String alpn = ssl.applicationProtocol();
          if (!acceptable(alpn)) {
            fail(ctx, wrongProtocol(alpn), null);
            ctx.close();
          } else {
            ctx.channel().attr(TLS_INFO).set(info(ssl.engine().getSession()));
          }
        }
      }
      super.userEventTriggered(ctx, event);
    }

    private boolean acceptable(@Nullable String alpn) {
      return http1
          ? alpn == null || ApplicationProtocolNames.HTTP_1_1.equals(alpn)
          : ApplicationProtocolNames.HTTP_2.equals(alpn);
    }

    private String wrongProtocol(@Nullable String alpn) {
      return "the TLS connection to "
          + target
          + " did not negotiate "
          + (http1 ? "HTTP/1.1" : "HTTP/2")
          + ": the server selected "
          + (alpn == null ? "no protocol" : "'" + alpn + "'")
          + " with ALPN, and "
          + (http1 ? "this channel (Channel.Builder.http1()) needs http/1.1" : "gRPC needs h2");
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
      if (find(cause, SSLException.class) == null) {
        super.exceptionCaught(ctx, cause);
      } else if (!reported) {
        report(ctx, cause);
      }
    }

    private void report(ChannelHandlerContext ctx, Throwable cause) {
      String what =
          find(cause, SSLHandshakeException.class) != null
                  || find(cause, NotSslRecordException.class) != null
                  || find(cause, SslHandshakeTimeoutException.class) != null
              ? "the TLS handshake with "
              : "the TLS connection to ";
      fail(ctx, what + target + " failed: " + reason(cause, false, hasKeyPair), cause);
    }

    private void fail(ChannelHandlerContext ctx, String description, @Nullable Throwable cause) {
      reported = true;
      StatusException failure = unavailable(description, cause);
      events.tlsHandshakeFailed(ctx.channel().remoteAddress(), cause != null ? cause : failure);
      if (!closedHere) {
        ctx.fireExceptionCaught(failure);
      }
    }
  }

  /**
   * On a plaintext client connection, until the first bytes arrive: a server that answers with a
   * TLS record, or closes the connection without a word, is most likely a TLS server that could not
   * read our HTTP/2 preface, and the calls' status says so.
   */
  static final class PlaintextClient extends LocalCloseAware {
    private final String target;

    PlaintextClient(String target) {
      this.target = target;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
      if (msg instanceof ByteBuf bytes && looksLikeTls(bytes)) {
        bytes.release();
        ctx.fireExceptionCaught(
            unavailable(
                "the server at "
                    + target
                    + " answered in TLS, and this channel is plaintext: use Channel.Builder.tls()",
                null));
        return;
      }
      ctx.pipeline().remove(this);
      super.channelRead(ctx, msg);
    }

    /** A reset before any answer is the same story as a close. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
      if (cause instanceof IOException && !closedHere) {
        ctx.fireExceptionCaught(noAnswer(cause));
        return;
      }
      super.exceptionCaught(ctx, cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      if (!closedHere) {
        ctx.fireExceptionCaught(noAnswer(null));
      }
      super.channelInactive(ctx);
    }

    private StatusException noAnswer(@Nullable Throwable cause) {
      return unavailable(
          "the server at "
              + target
              + " closed the connection without answering the HTTP/2 preface"
              + (cause == null ? "" : " (" + cause.getMessage() + ")")
              + "; if it expects TLS, use Channel.Builder.tls() (this channel is plaintext)",
          cause);
    }
  }

  /**
   * On a TLS client connection, before the TLS handler, until the first bytes arrive: a server that
   * answers the ClientHello with something other than a TLS record is not a TLS server. The calls'
   * status says what it answered instead; the bytes never reach the TLS engine, whose error would
   * be a hex dump of them.
   */
  static final class NotTlsServer extends ChannelInboundHandlerAdapter {
    private final String target;

    NotTlsServer(String target) {
      this.target = target;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
      if (msg instanceof ByteBuf bytes && bytes.readableBytes() >= 2 && !looksLikeTls(bytes)) {
        String answer =
            looksLikeHttp2Settings(bytes)
                ? "answered the TLS handshake with plaintext HTTP/2"
                : "did not answer the TLS handshake in TLS";
        bytes.release();
        ctx.fireExceptionCaught(
            unavailable(
                "the server at "
                    + target
                    + " "
                    + answer
                    + " (is it a plaintext server? use Channel.Builder.plaintext())",
                null));
        ctx.channel().close(); // from the tail: the handlers after this one see a local close
        return;
      }
      ctx.pipeline().remove(this);
      super.channelRead(ctx, msg);
    }
  }

  /**
   * On a plaintext server connection, before the HTTP/2 handler, until the first bytes arrive: a
   * client that starts a TLS handshake where the HTTP/2 preface belongs is a TLS client of a
   * plaintext port. Logs one line naming it and closes the connection, instead of the HTTP/2
   * handler's "preface missing" error with a hex dump of the ClientHello.
   */
  static final class PlaintextServer extends ChannelInboundHandlerAdapter {
    /** Length 0, type SETTINGS (4), no flags, stream 0. */
    private static final byte[] EMPTY_SETTINGS_FRAME = {0, 0, 0, 4, 0, 0, 0, 0, 0};

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
      if (msg instanceof ByteBuf bytes && isHandshakeRecord(bytes)) {
        bytes.release();
        log.info(
            "a client started TLS on this plaintext port: {}; closing the connection (serve TLS"
                + " with Server.Builder.tls, or have the client connect with"
                + " Channel.Builder.plaintext())",
            ctx.channel().remoteAddress());
        // The HTTP/2 server preface (an empty SETTINGS frame, RFC 9113 section 3.4) lets the
        // client see that it reached a plaintext HTTP/2 port, and say so.
        ctx.writeAndFlush(Unpooled.wrappedBuffer(EMPTY_SETTINGS_FRAME))
            .addListener(written -> ctx.close());
        return;
      }
      ctx.pipeline().remove(this);
      super.channelRead(ctx, msg);
    }
  }

  /** TLS record content types (RFC 8446 section 5.1): change_cipher_spec to application_data. */
  private static final int FIRST_RECORD_TYPE = 20;

  /** The handshake record type, which a ClientHello starts with (RFC 8446 section 5.1). */
  private static final int HANDSHAKE_RECORD_TYPE = 22;

  private static final int LAST_RECORD_TYPE = 23;

  /** HTTP/2 frame header (RFC 9113 section 4.1): 3 bytes length, type, flags, 4 bytes stream. */
  private static final int FRAME_HEADER_LENGTH = 9;

  /** The SETTINGS frame type, the first frame of every HTTP/2 server (RFC 9113 section 3.4). */
  private static final int SETTINGS_FRAME_TYPE = 4;

  /** A TLS record header: a content type, then major version 3 (RFC 8446 section 5.1). */
  private static boolean looksLikeTls(ByteBuf bytes) {
    int at = bytes.readerIndex();
    if (bytes.readableBytes() < 2) {
      return false;
    }
    int type = bytes.getUnsignedByte(at);
    return type >= FIRST_RECORD_TYPE && type <= LAST_RECORD_TYPE && bytes.getByte(at + 1) == 3;
  }

  /** The start of a TLS handshake record: 0x16 0x03. */
  private static boolean isHandshakeRecord(ByteBuf bytes) {
    return looksLikeTls(bytes)
        && bytes.getUnsignedByte(bytes.readerIndex()) == HANDSHAKE_RECORD_TYPE;
  }

  /** An HTTP/2 frame header of a SETTINGS frame on stream 0. */
  private static boolean looksLikeHttp2Settings(ByteBuf bytes) {
    int at = bytes.readerIndex();
    return bytes.readableBytes() >= FRAME_HEADER_LENGTH
        && bytes.getUnsignedByte(at + 3) == SETTINGS_FRAME_TYPE
        && bytes.getInt(at + 5) == 0;
  }

  /** Notes that this side closed the connection, so that its end is not blamed on the peer. */
  private abstract static class LocalCloseAware extends ChannelDuplexHandler {
    boolean closedHere;

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) throws Exception {
      closedHere = true;
      super.close(ctx, promise);
    }
  }

  private static StatusException unavailable(String description, @Nullable Throwable cause) {
    return Status.UNAVAILABLE.withDescription(description).withCause(cause).asException();
  }

  static TlsInfo info(SSLSession session) {
    List<X509Certificate> peer = new ArrayList<>();
    try {
      for (java.security.cert.Certificate certificate : session.getPeerCertificates()) {
        if (certificate instanceof X509Certificate x509) {
          peer.add(x509);
        }
      }
    } catch (SSLPeerUnverifiedException noCertificate) {
      // a client that presented none: an empty chain
    }
    return new TlsInfo(session.getProtocol(), session.getCipherSuite(), peer);
  }

  /**
   * Why a handshake failed, in words for a user: who refused what. {@code server} says which side
   * is asking. The JDK's own message follows when it adds detail.
   */
  static String reason(Throwable failure, boolean server, boolean hasKeyPair) {
    String peer = server ? "client" : "server";
    if (find(failure, NotSslRecordException.class) != null) {
      return server
          ? "the client sent plaintext to this TLS port; it must connect with TLS"
              + " (Channel.Builder.tls())"
          : "the server did not answer in TLS; if it is a plaintext server, use"
              + " Channel.Builder.plaintext()";
    }
    SSLException ssl = find(failure, SSLException.class);
    String message = String.valueOf(ssl != null ? ssl.getMessage() : failure.getMessage());
    int alertAt = message.indexOf(RECEIVED_ALERT);
    if (alertAt >= 0) {
      String alert = message.substring(alertAt + RECEIVED_ALERT.length()).trim();
      return receivedAlert(alert, server, hasKeyPair);
    }
    String reason = localReason(failure, message, peer);
    String detail = ALERT_PREFIX.matcher(message).replaceFirst("");
    return reason == null ? detail : reason + "; " + detail;
  }

  /** The peer refused the handshake with {@code alert} (RFC 8446 section 6.2). */
  private static String receivedAlert(String alert, boolean server, boolean hasKeyPair) {
    String peer = server ? "client" : "server";
    String self = server ? "server" : "client";
    if (alert.equals("certificate_required") && !server) {
      // The JDK presents a certificate only if its issuer is one the server said it accepts.
      return hasKeyPair
          ? "the server requires a client certificate (mutual TLS) signed by an authority it"
              + " trusts, and this channel's certificate is not, so none was presented"
          : "the server requires a client certificate (mutual TLS), and this channel presented"
              + " none (TlsConfig.Builder.keyPair)";
    }
    if (CERTIFICATE_ALERTS.contains(alert)) {
      return "the " + peer + " rejected this " + self + "'s certificate (alert " + alert + ")";
    }
    return switch (alert) {
      case "decrypt_error" ->
          "the "
              + peer
              + " could not verify this "
              + self
              + "'s signature; is the private key the certificate's? (alert decrypt_error)";
      case "protocol_version" ->
          "no TLS version in common with the " + peer + " (Trunk allows " + protocols() + ")";
      case "handshake_failure", "insufficient_security" ->
          "the "
              + peer
              + " refused the handshake: no cipher suite or parameters in common (alert "
              + alert
              + ")";
      case "no_application_protocol" ->
          "the " + peer + " does not support HTTP/2 over TLS (ALPN h2)";
      case "unrecognized_name" -> "the server does not serve this host name (SNI)";
      default -> "the " + peer + " ended the handshake with the alert " + alert;
    };
  }

  /** The reason for a failure this side found, if it is one we can put in plainer words. */
  private static @Nullable String localReason(Throwable failure, String message, String peer) {
    if (find(failure, SslHandshakeTimeoutException.class) != null) {
      return "the handshake did not finish in time";
    }
    if (closedDuringHandshake(failure, message)) {
      return "the " + peer + " closed the connection during the handshake";
    }
    if (find(failure, CertificateExpiredException.class) != null) {
      return "the " + peer + "'s certificate has expired";
    }
    if (find(failure, CertificateNotYetValidException.class) != null) {
      return "the " + peer + "'s certificate is not valid yet";
    }
    if (message.contains("Empty client certificate chain")) {
      return "the client presented no certificate, and this server requires one (mutual TLS)";
    }
    if (message.contains("No subject alternative") || message.contains("No name matching")) {
      return "the server's certificate is not valid for the name this channel connects to";
    }
    if (message.contains("Extended key usage")) {
      return "the " + peer + "'s certificate is not meant for TLS " + peer + " authentication";
    }
    if (find(failure, CertPathBuilderException.class) != null
        || find(failure, CertPathValidatorException.class) != null
        || message.contains("PKIX")) {
      return "the " + peer + "'s certificate is not trusted";
    }
    if (message.contains("protocol versions") || message.contains("No appropriate protocol")) {
      return "no TLS version in common with the " + peer + " (Trunk allows " + protocols() + ")";
    }
    if (message.contains("application layer protocol")) {
      return "the " + peer + " does not offer HTTP/2 (ALPN h2)";
    }
    if (message.contains("cipher suites in common")) {
      return "no cipher suite in common with the " + peer;
    }
    return null;
  }

  private static boolean closedDuringHandshake(Throwable failure, String message) {
    return find(failure, ClosedChannelException.class) != null
        || message.contains("closed while SSL/TLS handshake");
  }

  private static String protocols() {
    return String.join(" and ", TlsContexts.PROTOCOLS);
  }

  /** The first throwable of {@code type} in {@code failure}'s chain of causes. */
  private static <T extends Throwable> @Nullable T find(
      @Nullable Throwable failure, Class<T> type) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }
}
