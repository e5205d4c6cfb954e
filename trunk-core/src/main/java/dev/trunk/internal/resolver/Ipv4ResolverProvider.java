package dev.trunk.internal.resolver;

import java.net.Inet4Address;

/** Resolves {@code ipv4:address[:port][,address[:port]]...}: literal IPv4 addresses, no lookup. */
public final class Ipv4ResolverProvider extends AddressListProvider {
  /** Made by {@link java.util.ServiceLoader}. */
  public Ipv4ResolverProvider() {
    super("ipv4", Inet4Address.class, "ipv4:address[:port][,address[:port]]...");
  }
}
