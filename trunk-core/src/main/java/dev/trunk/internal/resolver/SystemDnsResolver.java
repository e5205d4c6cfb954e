package dev.trunk.internal.resolver;

import dev.trunk.Status;
import dev.trunk.internal.client.Target;
import dev.trunk.spi.Endpoint;
import dev.trunk.spi.NameResolver;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/** The {@code dns} scheme through the system resolver: every A and AAAA record, off the caller. */
final class SystemDnsResolver implements NameResolver {
  private final String host;
  private final int port;
  private final Args args;
  private volatile boolean closed;
  private volatile Listener listener =
      new Listener() {
        @Override
        public void onResult(Resolution resolution) {}

        @Override
        public void onError(Status error) {}
      };
  private final String target;

  SystemDnsResolver(dev.trunk.spi.Target target, Args args) {
    Target hostPort = Target.parse(target.pathWithoutSlash());
    this.host = hostPort.host();
    this.port = hostPort.port();
    this.args = args;
    this.target = target.text();
  }

  @Override
  public void start(Listener reportTo) {
    listener = reportTo;
    refresh();
  }

  @Override
  public void refresh() {
    args.blockingExecutor().execute(this::resolve);
  }

  private void resolve() {
    List<Endpoint> endpoints = new ArrayList<>();
    try {
      for (InetAddress address : InetAddress.getAllByName(host)) {
        endpoints.add(Endpoint.of(new InetSocketAddress(address, port)));
      }
    } catch (UnknownHostException e) {
      if (!closed) {
        listener.onError(
            Status.UNAVAILABLE
                .withDescription("cannot resolve '" + host + "' (target '" + target + "'): " + e)
                .withCause(e));
      }
      return;
    }
    if (!closed) {
      listener.onResult(new Resolution(endpoints, null));
    }
  }

  @Override
  public void close() {
    closed = true;
  }

  /** Makes {@code dns} resolvers. */
  public static final class Provider implements NameResolver.Provider {
    @Override
    public String scheme() {
      return "dns";
    }

    @Override
    public NameResolver newResolver(dev.trunk.spi.Target target, Args args) {
      return new SystemDnsResolver(target, args);
    }

    @Override
    public String authority(dev.trunk.spi.Target target, Args args) {
      Target hostPort = Target.parse(target.pathWithoutSlash());
      String host = hostPort.host();
      return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + hostPort.port();
    }
  }
}
