package dev.trunk.internal.resolver;

import dev.trunk.spi.Endpoint;
import dev.trunk.spi.NameResolver;
import dev.trunk.spi.Target;
import java.util.List;

/**
 * Resolves {@code unix-abstract:name} to one endpoint, an {@link AbstractUnixSocketAddress}: a
 * socket in Linux's abstract namespace, which has no file and no permissions (any local process may
 * connect). Per gRPC's naming document the name excludes the leading NUL and contains none.
 */
public final class UnixAbstractResolverProvider implements NameResolver.Provider {
  private static final String FORM = "unix-abstract:name (no NUL in the name)";

  /** Made by {@link java.util.ServiceLoader}. */
  public UnixAbstractResolverProvider() {}

  @Override
  public String scheme() {
    return "unix-abstract";
  }

  @Override
  public NameResolver newResolver(Target target, NameResolver.Args args) {
    return new StaticResolver(List.of(Endpoint.of(address(target))));
  }

  @Override
  public String authority(Target target, NameResolver.Args args) {
    address(target); // rejects a malformed target here too
    return UnixResolverProvider.AUTHORITY;
  }

  private static AbstractUnixSocketAddress address(Target target) {
    // The name is everything after the colon, slashes included: it is not a path.
    String name = target.text().substring(target.scheme().length() + 1);
    try {
      return AbstractUnixSocketAddress.of(name);
    } catch (IllegalArgumentException e) {
      throw HostPort.malformed(target, e.getMessage(), FORM);
    }
  }
}
