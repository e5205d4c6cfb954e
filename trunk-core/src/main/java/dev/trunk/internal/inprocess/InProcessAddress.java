package dev.trunk.internal.inprocess;

import java.net.SocketAddress;

/** The peer address a handler sees on an in-process call. */
final class InProcessAddress extends SocketAddress {
  private static final long serialVersionUID = 1L;
  private final String name;

  InProcessAddress(String name) {
    this.name = name;
  }

  @Override
  public String toString() {
    return "inprocess:" + name;
  }
}
