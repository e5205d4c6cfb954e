package dev.trunk;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay on 127.0.0.1 in front of a server, counting connections and the bytes sent by
 * clients: lets a test see traffic it cannot otherwise observe (such as keepalive PINGs) without
 * touching it. Blocking sockets, one virtual thread per direction.
 */
final class TcpProxy implements AutoCloseable {
  private final ServerSocket listener;
  private volatile int serverPort;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  /** Connections accepted so far. */
  final AtomicInteger connections = new AtomicInteger();

  /** Bytes relayed from clients to the server so far. */
  final AtomicLong bytesToServer = new AtomicLong();

  TcpProxy(int serverPort) throws IOException {
    this.serverPort = serverPort;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().start(this::accept);
  }

  int port() {
    return listener.getLocalPort();
  }

  /** Sends new connections to another server from now on; open ones stay where they are. */
  void retarget(int port) {
    this.serverPort = port;
  }

  private void accept() {
    try {
      while (true) {
        Socket client = listener.accept();
        Socket server = new Socket(InetAddress.getLoopbackAddress(), serverPort);
        sockets.add(client);
        sockets.add(server);
        connections.incrementAndGet();
        Thread.ofVirtual().start(() -> relay(client, server, bytesToServer));
        Thread.ofVirtual().start(() -> relay(server, client, new AtomicLong()));
      }
    } catch (IOException closed) {
      // the proxy was closed
    }
  }

  private static void relay(Socket from, Socket to, AtomicLong counter) {
    byte[] buffer = new byte[16 * 1024];
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      int read;
      while ((read = in.read(buffer)) >= 0) {
        out.write(buffer, 0, read);
        counter.addAndGet(read);
      }
    } catch (IOException closed) {
      // either side went away; closing both ends below tells the other side
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // nothing more to do with it
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    sockets.forEach(TcpProxy::closeQuietly);
  }
}
