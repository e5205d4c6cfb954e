package dev.trunk.internal.resolver;

import java.net.SocketAddress;
import org.jspecify.annotations.Nullable;

/**
 * A Unix domain socket in Linux's abstract namespace: a name, not a file. The JDK's {@link
 * java.net.UnixDomainSocketAddress} cannot express one (a path cannot start with NUL), so the
 * {@code unix-abstract:} resolver reports this address and the Netty transport turns it into an
 * epoll {@code DomainSocketAddress} whose path is a NUL followed by the name. Immutable.
 */
public final class AbstractUnixSocketAddress extends SocketAddress {
  private static final long serialVersionUID = 1L;

  private final String name;

  /** The socket named {@code name} (without the leading NUL). */
  public AbstractUnixSocketAddress(String name) {
    this.name = name;
  }

  /** The name, without the leading NUL. */
  public String name() {
    return name;
  }

  @Override
  public boolean equals(@Nullable Object other) {
    return other instanceof AbstractUnixSocketAddress that && name.equals(that.name);
  }

  @Override
  public int hashCode() {
    return name.hashCode();
  }

  @Override
  public String toString() {
    return "unix-abstract:" + name;
  }
}
