package dev.trunk.internal.resolver;

import java.net.Inet6Address;

/**
 * Resolves {@code ipv6:[address]:port[,[address]:port]...} (or a bare {@code address} with the
 * default port): literal IPv6 addresses, no lookup.
 */
public final class Ipv6ResolverProvider extends AddressListProvider {
  /** Made by {@link java.util.ServiceLoader}. */
  public Ipv6ResolverProvider() {
    super("ipv6", Inet6Address.class, "ipv6:[address]:port[,[address]:port]... or ipv6:address");
  }
}
