package dev.trunk.internal;

import dev.trunk.CallInfo;
import dev.trunk.Deadline;
import dev.trunk.MethodDescriptor;
import java.net.SocketAddress;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** The {@link CallInfo} handed to interceptors. */
public record CallInfoImpl<Req, Resp>(
    MethodDescriptor<Req, Resp> method,
    boolean isServer,
    @Nullable Deadline deadlineOrNull,
    String authority,
    @Nullable SocketAddress peerOrNull)
    implements CallInfo<Req, Resp> {

  @Override
  public Optional<Deadline> deadline() {
    return Optional.ofNullable(deadlineOrNull);
  }

  @Override
  public Optional<SocketAddress> peer() {
    return Optional.ofNullable(peerOrNull);
  }
}
