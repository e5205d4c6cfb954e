package dev.trunk.internal.resolver;

import dev.trunk.spi.NameResolver;
import dev.trunk.spi.Target;
import java.net.Inet6Address;
import org.jspecify.annotations.Nullable;

/**
 * Resolves {@code dns:[//dns-server[:port]/]host[:port]} (gRPC's naming document): {@code
 * dns:///example.com:443}, {@code dns:example.com}, {@code dns://10.0.0.53/backend:50051}. Without
 * a DNS server the system resolver looks the host up; with one, that server is asked directly. See
 * {@link DnsResolver}.
 */
public final class DnsResolverProvider implements NameResolver.Provider {
  /** The DNS port, when the target's DNS server names none. */
  static final int DNS_PORT = 53;

  private static final String FORM = "dns:[//dns-server[:port]/]host[:port]";

  /** Made by {@link java.util.ServiceLoader}. */
  public DnsResolverProvider() {}

  @Override
  public String scheme() {
    return "dns";
  }

  @Override
  public NameResolver newResolver(Target target, NameResolver.Args args) {
    return new DnsResolver(target, args);
  }

  /** The host and port as the target writes them, brackets kept. */
  @Override
  public String authority(Target target, NameResolver.Args args) {
    serverUrl(target); // rejects a malformed DNS server here too
    return name(target, args.defaultPort()).text();
  }

  /** The host to look up and the port of its endpoints. */
  static HostPort name(Target target, int defaultPort) {
    return HostPort.parse(target.pathWithoutSlash(), defaultPort, target, FORM);
  }

  /** The JNDI URL of the DNS server the target names, or null for the system resolver. */
  static @Nullable String serverUrl(Target target) {
    String authority = target.authority();
    if (authority == null || authority.isEmpty()) {
      return null;
    }
    HostPort server = HostPort.parse(authority, DNS_PORT, target, FORM);
    String host =
        server.literal() instanceof Inet6Address ? "[" + server.host() + "]" : server.host();
    return "dns://" + host + ":" + server.port();
  }
}
