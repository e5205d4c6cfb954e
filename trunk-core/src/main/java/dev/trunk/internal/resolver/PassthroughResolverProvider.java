package dev.trunk.internal.resolver;

import dev.trunk.spi.Endpoint;
import dev.trunk.spi.NameResolver;
import dev.trunk.spi.Target;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Resolves {@code passthrough:host[:port]} (or {@code passthrough:///host[:port]}) to one endpoint
 * with an unresolved address: the name is handed to the transport as it is and looked up when it
 * connects, so the channel never re-resolves it.
 */
public final class PassthroughResolverProvider implements NameResolver.Provider {
  private static final String FORM = "passthrough:host[:port] or passthrough:///host[:port]";

  /** Made by {@link java.util.ServiceLoader}. */
  public PassthroughResolverProvider() {}

  @Override
  public String scheme() {
    return "passthrough";
  }

  @Override
  public NameResolver newResolver(Target target, NameResolver.Args args) {
    HostPort name = name(target, args);
    return new StaticResolver(
        List.of(Endpoint.of(InetSocketAddress.createUnresolved(name.host(), name.port()))));
  }

  @Override
  public String authority(Target target, NameResolver.Args args) {
    return name(target, args).text();
  }

  private static HostPort name(Target target, NameResolver.Args args) {
    String authority = target.authority();
    if (authority != null && !authority.isEmpty()) {
      throw HostPort.malformed(target, "passthrough takes no '//authority'", FORM);
    }
    return HostPort.parse(target.pathWithoutSlash(), args.defaultPort(), target, FORM);
  }
}
