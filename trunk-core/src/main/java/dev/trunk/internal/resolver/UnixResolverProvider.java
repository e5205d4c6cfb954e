package dev.trunk.internal.resolver;

import dev.trunk.spi.Endpoint;
import dev.trunk.spi.NameResolver;
import dev.trunk.spi.Target;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.util.List;

/**
 * Resolves {@code unix:path} (relative or absolute) and {@code unix:///absolute/path} to one
 * endpoint, a {@link UnixDomainSocketAddress}. Connecting needs the native epoll transport (Linux).
 */
public final class UnixResolverProvider implements NameResolver.Provider {
  /**
   * The authority a channel to a Unix socket sends: a path is not a valid HTTP/2 {@code
   * :authority}, so gRPC C-core and grpc-java send {@code localhost}.
   */
  static final String AUTHORITY = "localhost";

  /**
   * The longest socket path, in bytes: Linux's {@code sockaddr_un.sun_path} holds 108, one of which
   * is the terminating NUL.
   */
  static final int MAX_PATH_BYTES = 107;

  private static final String FORM = "unix:path or unix:///absolute/path";

  /** Made by {@link java.util.ServiceLoader}. */
  public UnixResolverProvider() {}

  @Override
  public String scheme() {
    return "unix";
  }

  @Override
  public NameResolver newResolver(Target target, NameResolver.Args args) {
    return new StaticResolver(List.of(Endpoint.of(address(target))));
  }

  @Override
  public String authority(Target target, NameResolver.Args args) {
    address(target); // rejects a malformed target here too
    return AUTHORITY;
  }

  static UnixDomainSocketAddress address(Target target) {
    String authority = target.authority();
    if (authority != null && !authority.isEmpty()) {
      throw HostPort.malformed(
          target,
          "'//" + authority + "' is not allowed: write three slashes before an absolute path",
          FORM);
    }
    String path = target.path();
    if (path.isEmpty()) {
      throw HostPort.malformed(target, "it names no socket path", FORM);
    }
    if (path.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
      throw HostPort.malformed(
          target, "the path is longer than " + MAX_PATH_BYTES + " bytes, the system's limit", FORM);
    }
    try {
      return UnixDomainSocketAddress.of(path);
    } catch (InvalidPathException e) {
      throw HostPort.malformed(
          target, "'" + path + "' is not a valid path: " + e.getReason(), FORM);
    }
  }
}
