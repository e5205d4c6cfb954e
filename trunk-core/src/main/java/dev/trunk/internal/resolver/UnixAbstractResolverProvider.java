package dev.trunk.internal.resolver;

import dev.trunk.spi.Endpoint;
import dev.trunk.spi.NameResolver;
import dev.trunk.spi.Target;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Resolves {@code unix-abstract:name} to one endpoint, an {@link AbstractUnixSocketAddress}: a
 * socket in Linux's abstract namespace, which has no file and no permissions (any local process may
 * connect). Per gRPC's naming document the name excludes the leading NUL and contains none.
 */
public final class UnixAbstractResolverProvider implements NameResolver.Provider {
  /**
   * The longest name, in bytes: Linux's {@code sockaddr_un.sun_path} holds 108, one of which is the
   * leading NUL.
   */
  static final int MAX_NAME_BYTES = 107;

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
    if (name.isEmpty()) {
      throw HostPort.malformed(target, "it names no socket", FORM);
    }
    if (name.indexOf('\0') >= 0) {
      throw HostPort.malformed(target, "the name contains a NUL", FORM);
    }
    if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
      throw HostPort.malformed(
          target, "the name is longer than " + MAX_NAME_BYTES + " bytes, the system's limit", FORM);
    }
    return new AbstractUnixSocketAddress(name);
  }
}
