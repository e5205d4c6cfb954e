package dev.trunk.interop;

import dev.trunk.interop.InteropServers.RunningServer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * One interop server per transport (plaintext and TLS), started by the first case that needs it,
 * reused by the cases after it, and started again if it died. Thread-safe.
 */
final class ServerPerTransport implements AutoCloseable {
  private final Function<Boolean, RunningServer> start;
  private final @Nullable RunningServer[] servers = new RunningServer[2];

  /** {@code start} starts a server, with TLS when given true. */
  ServerPerTransport(Function<Boolean, RunningServer> start) {
    this.start = start;
  }

  /** The running server for the transport, started (again) if needed. */
  synchronized RunningServer get(boolean tls) {
    int index = tls ? 1 : 0;
    RunningServer running = servers[index];
    if (running == null || !running.process().isAlive()) {
      if (running != null) {
        running.process().close();
      }
      running = start.apply(tls);
      servers[index] = running;
    }
    return running;
  }

  /** What happened to the transport's server if it died; empty while it runs or never ran. */
  synchronized String stateIfDead(boolean tls) {
    RunningServer running = servers[tls ? 1 : 0];
    return running == null ? "" : running.stateIfDead();
  }

  /** Stops both servers. */
  @Override
  public synchronized void close() {
    for (int i = 0; i < servers.length; i++) {
      RunningServer running = servers[i];
      if (running != null) {
        running.process().close();
        servers[i] = null;
      }
    }
  }
}
