package dev.trunk.internal.netty;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/** Picks native epoll when it is available and NIO otherwise, and makes event loop groups. */
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
}
