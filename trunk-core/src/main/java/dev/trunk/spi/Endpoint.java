package dev.trunk.spi;

import java.net.SocketAddress;
import java.util.List;

/**
 * One backend a name resolver found: its addresses (an IPv4 and an IPv6 address of the same server,
 * say), tried in order when its subchannel connects. Immutable.
 *
 * <pre>{@code
 * Endpoint endpoint = Endpoint.of(new InetSocketAddress("10.0.0.7", 50051));
 * }</pre>
 *
 * @param addresses at least one address; a {@link java.net.InetSocketAddress} (resolved) or a
 *     {@link java.net.UnixDomainSocketAddress}
 */
public record Endpoint(List<SocketAddress> addresses) {
  public Endpoint {
    addresses = List.copyOf(addresses);
    if (addresses.isEmpty()) {
      throw new IllegalArgumentException("an endpoint needs at least one address");
    }
  }

  /** An endpoint with these addresses. */
  public static Endpoint of(SocketAddress... addresses) {
    return new Endpoint(List.of(addresses));
  }

  @Override
  public String toString() {
    return addresses.size() == 1 ? addresses.get(0).toString() : addresses.toString();
  }
}
