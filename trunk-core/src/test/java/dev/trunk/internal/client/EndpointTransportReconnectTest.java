package dev.trunk.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trunk.Status;
import dev.trunk.internal.netty.NettyConnector;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Netty endpoint transport as a subchannel drives it: told that its connection closed, the
 * subchannel connects again at once, from inside the notification.
 */
class EndpointTransportReconnectTest {
  /** An empty SETTINGS frame: what makes the client's connection ready. */
  private static final byte[] SETTINGS = {0, 0, 0, 4, 0, 0, 0, 0, 0};

  @Test
  void aConnectionReportedClosedIsNotHandedBackAsReadyToTheNextConnect() throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      InetSocketAddress address = new InetSocketAddress("127.0.0.1", listener.getLocalPort());
      CountDownLatch ready = new CountDownLatch(1);
      CompletableFuture<Object> closed = new CompletableFuture<>();
      CompletableFuture<Object> reconnected = new CompletableFuture<>();
      EndpointTransport[] transport = new EndpointTransport[1];
      transport[0] =
          new NettyConnector(DirectTransports.config(listener.getLocalPort()))
              .newTransport(
                  new EndpointTransport.Events() {
                    @Override
                    public void onReady(Object connection) {
                      ready.countDown();
                    }

                    @Override
                    public void onClosed(Object connection, Status status) {
                      // As SubchannelImpl does: READY -> IDLE, and the balancer reconnects.
                      if (closed.complete(connection)) {
                        reconnected.complete(transport[0].connect(address));
                      }
                    }
                  });
      Object first = transport[0].connect(address);
      try (Socket server = listener.accept()) {
        server.setSoTimeout(5_000);
        server.getOutputStream().write(SETTINGS);
        assertThat(ready.await(5, TimeUnit.SECONDS)).as("the connection became ready").isTrue();
        // A clean close by the server (FIN, nothing left unread on its side to reset it).
        server.shutdownOutput();
        drain(server.getInputStream());
        assertThat(closed.get(5, TimeUnit.SECONDS)).isSameAs(first);
        assertThat(reconnected.get(5, TimeUnit.SECONDS))
            .as("the connection the next connect returns")
            .isNotSameAs(first);
      } finally {
        transport[0].shutdownNow();
      }
    }
  }

  /** Reads until the client closes its side too. */
  private static void drain(InputStream in) throws IOException {
    byte[] buffer = new byte[4096];
    while (in.read(buffer) >= 0) {
      // discard
    }
  }
}
