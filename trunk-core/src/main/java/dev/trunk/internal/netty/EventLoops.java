package dev.trunk.internal.netty;

import dev.trunk.internal.resolver.AbstractUnixSocketAddress;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;

/**
 * Picks native epoll when it is available and NIO otherwise, makes event loop groups, and maps
 * addresses to channel types: TCP for an {@link InetSocketAddress}; a Unix domain socket (epoll
 * only) for a {@link UnixDomainSocketAddress} or an {@link AbstractUnixSocketAddress}.
 */
final class EventLoops {
  /** Event loop threads per group: one per core, the classic Netty default. */
  static final int THREADS = Runtime.getRuntime().availableProcessors();

  private static final boolean EPOLL = Epoll.isAvailable();

  private static volatile EventLoopGroup clientGroup;

  private EventLoops() {}

  static boolean usesEpoll() {
    return EPOLL;
  }

  static EventLoopGroup newGroup(String name, boolean daemon) {
    IoHandlerFactory io = EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    return new MultiThreadIoEventLoopGroup(THREADS, new DefaultThreadFactory(name, daemon), io);
  }

  /** The process-wide group that every client channel shares (daemon threads, never closed). */
  static EventLoopGroup clientGroup() {
    EventLoopGroup group = clientGroup;
    if (group == null) {
      synchronized (EventLoops.class) {
        group = clientGroup;
        if (group == null) {
          group = newGroup("trunk-client", true);
          clientGroup = group;
        }
      }
    }
    return group;
  }

  static Class<? extends ServerChannel> serverChannelType() {
    return EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  static Class<? extends SocketChannel> channelType() {
    return EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
  }

  /** The server channel type that listens on {@code address}; see {@link #clientChannelType}. */
  static Class<? extends ServerChannel> serverChannelType(SocketAddress address) {
    if (address instanceof InetSocketAddress) {
      return serverChannelType();
    }
    requireUnixSockets(address);
    return EpollServerDomainSocketChannel.class;
  }

  /**
   * The channel type that connects to {@code address}.
   *
   * @throws IllegalArgumentException if {@code address} is neither an {@link InetSocketAddress}, a
   *     {@link UnixDomainSocketAddress} nor an {@link AbstractUnixSocketAddress}
   * @throws UnsupportedOperationException for a Unix socket when native epoll is unavailable
   */
  static Class<? extends Channel> clientChannelType(SocketAddress address) {
    if (address instanceof InetSocketAddress) {
      return channelType();
    }
    requireUnixSockets(address);
    return EpollDomainSocketChannel.class;
  }

  /**
   * {@code address} as Netty's channels take it: an {@link InetSocketAddress} as it is (resolved or
   * not), a Unix socket as epoll's {@link DomainSocketAddress}, whose path for an abstract socket
   * is a NUL followed by the name (Linux's abstract namespace).
   */
  static SocketAddress toNetty(SocketAddress address) {
    return switch (address) {
      case InetSocketAddress inet -> inet;
      case UnixDomainSocketAddress unix -> new DomainSocketAddress(unix.getPath().toString());
      case AbstractUnixSocketAddress named -> new DomainSocketAddress("\0" + named.name());
      default -> throw unsupported(address);
    };
  }

  private static void requireUnixSockets(SocketAddress address) {
    if (!(address instanceof UnixDomainSocketAddress
        || address instanceof AbstractUnixSocketAddress)) {
      throw unsupported(address);
    }
    if (!EPOLL) {
      throw new UnsupportedOperationException(
          "Unix domain socket "
              + address
              + " needs Netty's native epoll transport, which is unavailable here ("
              + Epoll.unavailabilityCause()
              + "); use Linux on x86_64 with netty-transport-native-epoll, or a TCP address");
    }
  }

  private static IllegalArgumentException unsupported(SocketAddress address) {
    return new IllegalArgumentException(
        "unsupported address "
            + address
            + " ("
            + address.getClass().getName()
            + "): expected an InetSocketAddress, a UnixDomainSocketAddress or an"
            + " AbstractUnixSocketAddress");
  }
}
