package dev.trunk.interop;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay on 127.0.0.1 in front of one backend that counts the bytes clients send through it,
 * so a test can see how much of a load reached each backend of a server that keeps no count of its
 * own (grpc-java's interop server). It forwards bytes unchanged in both directions, one virtual
 * thread per direction and connection. Always {@link #close()} it.
 */
final class CountingProxy implements AutoCloseable {
  /** Bytes copied per read. */
  private static final int BUFFER_SIZE = 64 * 1024;

  private final int backendPort;
  private final ServerSocket listener;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final AtomicLong bytesToBackend = new AtomicLong();
  private final AtomicLong connections = new AtomicLong();

  private CountingProxy(int backendPort, ServerSocket listener) {
    this.backendPort = backendPort;
    this.listener = listener;
  }

  /** Starts a relay on a free 127.0.0.1 port to 127.0.0.1:{@code backendPort}. */
  static CountingProxy start(int backendPort) {
    try {
      ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      CountingProxy proxy = new CountingProxy(backendPort, listener);
      Thread.ofVirtual().name("counting-proxy-" + listener.getLocalPort()).start(proxy::accept);
      return proxy;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start a proxy to port " + backendPort, e);
    }
  }

  /** The port clients connect to. */
  int port() {
    return listener.getLocalPort();
  }

  /** Bytes clients have sent towards the backend so far. */
  long bytesToBackend() {
    return bytesToBackend.get();
  }

  /** Client connections accepted so far. */
  long connections() {
    return connections.get();
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        connections.incrementAndGet();
        Socket backend = new Socket(InetAddress.getLoopbackAddress(), backendPort);
        sockets.add(client);
        sockets.add(backend);
        Thread.ofVirtual().start(() -> relay(client, backend, bytesToBackend));
        Thread.ofVirtual().start(() -> relay(backend, client, new AtomicLong()));
      } catch (IOException e) {
        // closed, or the backend refused: the client sees its connection dropped
      }
    }
  }

  /** Copies {@code from} to {@code to} until either closes, then closes both. */
  private void relay(Socket from, Socket to, AtomicLong counter) {
    byte[] buffer = new byte[BUFFER_SIZE];
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      int read;
      while ((read = in.read(buffer)) >= 0) {
        counter.addAndGet(read);
        out.write(buffer, 0, read);
        out.flush();
      }
    } catch (IOException e) {
      // one side closed: close both below
    } finally {
      closeQuietly(from);
      closeQuietly(to);
      sockets.remove(from);
      sockets.remove(to);
    }
  }

  @Override
  public void close() {
    closeQuietly(listener);
    for (Socket socket : sockets) {
      closeQuietly(socket);
    }
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      // already closed
    }
  }

  @Override
  public String toString() {
    return "proxy 127.0.0.1:"
        + port()
        + " -> 127.0.0.1:"
        + backendPort
        + " ("
        + connections()
        + " connections, "
        + bytesToBackend()
        + " bytes to the backend)";
  }
}
