package dev.trunk.internal.resolver;

import dev.trunk.spi.Endpoint;
import dev.trunk.spi.NameResolver;
import dev.trunk.spi.Target;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code ipv4:} and {@code ipv6:} schemes of gRPC's naming document: a comma-separated list of
 * literal addresses, each an endpoint, in the order given ({@code
 * ipv4:10.0.0.1:50051,10.0.0.2:50051}, {@code ipv6:[::1]:50051}; a missing port is the default
 * port). Nothing is looked up. The authority is the first address as written.
 */
abstract sealed class AddressListProvider implements NameResolver.Provider
    permits Ipv4ResolverProvider, Ipv6ResolverProvider {
  private final String scheme;
  private final Class<? extends InetAddress> family;
  private final String form;

  AddressListProvider(String scheme, Class<? extends InetAddress> family, String form) {
    this.scheme = scheme;
    this.family = family;
    this.form = form;
  }

  @Override
  public final String scheme() {
    return scheme;
  }

  @Override
  public final NameResolver newResolver(Target target, NameResolver.Args args) {
    List<Endpoint> endpoints = new ArrayList<>();
    for (HostPort entry : entries(target, args.defaultPort())) {
      InetAddress address = entry.literal();
      if (!family.isInstance(address)) {
        throw HostPort.malformed(
            target, "'" + entry.host() + "' is not an " + scheme + " address", form);
      }
      endpoints.add(Endpoint.of(new InetSocketAddress(address, entry.port())));
    }
    return new StaticResolver(endpoints);
  }

  @Override
  public final String authority(Target target, NameResolver.Args args) {
    return entries(target, args.defaultPort()).get(0).text();
  }

  private List<HostPort> entries(Target target, int defaultPort) {
    if (target.authority() != null) {
      throw HostPort.malformed(target, "an " + scheme + " target has no '//authority'", form);
    }
    List<HostPort> entries = new ArrayList<>();
    for (String entry : target.path().split(",", -1)) {
      entries.add(HostPort.parse(entry, defaultPort, target, form));
    }
    return entries;
  }
}
