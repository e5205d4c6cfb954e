package dev.trunk.internal.resolver;

import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * A Unix domain socket in Linux's abstract namespace: a name, not a file. The JDK's {@link
 * java.net.UnixDomainSocketAddress} cannot express one (a path cannot start with NUL), so the
 * {@code unix-abstract:} resolver reports this address and the Netty transport turns it into an
 * epoll {@code DomainSocketAddress} whose path is a NUL followed by the name. Immutable.
 */
public final class AbstractUnixSocketAddress extends SocketAddress {
  private static final long serialVersionUID = 1L;

  /**
   * The longest name, in bytes: Linux's {@code sockaddr_un.sun_path} holds 108, one of which is the
   * leading NUL.
   */
  public static final int MAX_NAME_BYTES = 107;

  private final String name;

  /** The socket named {@code name} (without the leading NUL). */
  public AbstractUnixSocketAddress(String name) {
    this.name = name;
  }

  /**
   * The socket named {@code name}, checked.
   *
   * @throws IllegalArgumentException if the name is empty, contains a NUL or is longer than {@link
   *     #MAX_NAME_BYTES}
   */
  public static AbstractUnixSocketAddress of(String name) {
    if (name.isEmpty()) {
      throw new IllegalArgumentException("it names no socket");
    }
    if (name.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("the name contains a NUL");
    }
    if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
      throw new IllegalArgumentException(
          "the name is longer than " + MAX_NAME_BYTES + " bytes, the system's limit");
    }
    return new AbstractUnixSocketAddress(name);
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
