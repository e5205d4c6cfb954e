package dev.trunk.interop;

import dev.trunk.interop.InteropServers.RunningServer;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * One interop server per transport (plaintext and TLS), started by the first case that needs it,
 * reused by the cases after it, and started again if it died; optionally an nginx proxy in front of
 * the plaintext one for the {@code nginx} path. Thread-safe.
 */
final class ServerPerTransport implements AutoCloseable {
  private final Function<Boolean, RunningServer> start;
  private final @Nullable RunningServer[] servers = new RunningServer[2];
  private final @Nullable String nginxName;
  private final BiFunction<String, Integer, NginxProxy> startNginx;
  private @Nullable NginxProxy nginx;

  /** {@code start} starts a server, with TLS when given true. */
  ServerPerTransport(Function<Boolean, RunningServer> start) {
    this(start, null);
  }

  /** Also serves the {@code nginx} path through a proxy whose logs are named {@code nginxName}. */
  ServerPerTransport(Function<Boolean, RunningServer> start, @Nullable String nginxName) {
    this(start, nginxName, NginxProxy::start);
  }

  /**
   * Also serves an nginx in front of the plaintext server, named {@code nginxName} and started by
   * {@code startNginx} (given the name and the upstream port), such as {@link NginxProxy#caching}.
   */
  ServerPerTransport(
      Function<Boolean, RunningServer> start,
      @Nullable String nginxName,
      BiFunction<String, Integer, NginxProxy> startNginx) {
    this.start = start;
    this.nginxName = nginxName;
    this.startNginx = startNginx;
  }

  /** The nginx in front of the plaintext server, starting both as needed. */
  synchronized NginxProxy nginx() {
    return nginxInFrontOf(get(false));
  }

  /**
   * The port a client calls for {@code path} (plaintext, tls or nginx), starting what serves it.
   */
  synchronized int port(String path) {
    return switch (path) {
      case "plaintext" -> get(false).port();
      case "tls" -> get(true).port();
      case "nginx" -> nginx().port();
      default -> throw new IllegalArgumentException("unknown path " + path);
    };
  }

  private NginxProxy nginxInFrontOf(RunningServer upstream) {
    if (nginxName == null) {
      throw new IllegalArgumentException("no nginx path configured");
    }
    NginxProxy proxy = nginx;
    if (proxy == null || !proxy.process().isAlive() || proxy.upstreamPort() != upstream.port()) {
      if (proxy != null) {
        proxy.close();
      }
      proxy = startNginx.apply(nginxName, upstream.port());
      nginx = proxy;
    }
    return proxy;
  }

  /** What happened to what serves {@code path} if it died, for a failure message. */
  synchronized String state(String path) {
    String state = stateIfDead(path.equals("tls"));
    NginxProxy proxy = nginx;
    if (path.equals("nginx") && proxy != null) {
      state += "\nnginx (" + (proxy.process().isAlive() ? "running" : "exited") + "):";
      state += proxy.process().describe();
    }
    return state;
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

  /** Stops both servers and the proxy. */
  @Override
  public synchronized void close() {
    NginxProxy proxy = nginx;
    if (proxy != null) {
      proxy.close();
      nginx = null;
    }
    for (int i = 0; i < servers.length; i++) {
      RunningServer running = servers[i];
      if (running != null) {
        running.process().close();
        servers[i] = null;
      }
    }
  }
}
