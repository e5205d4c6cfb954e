package dev.trunk.internal;

import dev.trunk.CallInfo;
import dev.trunk.Deadline;
import dev.trunk.MethodDescriptor;
import dev.trunk.TlsInfo;
import java.net.SocketAddress;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** The {@link CallInfo} handed to interceptors. */
public record CallInfoImpl<Req, Resp>(
    MethodDescriptor<Req, Resp> method,
    boolean isServer,
    @Nullable Deadline deadlineOrNull,
    String authority,
    @Nullable SocketAddress peerOrNull,
    @Nullable TlsInfo tlsOrNull)
    implements CallInfo<Req, Resp> {

  /** A call whose connection's TLS session is not known (a client call). */
  public CallInfoImpl(
      MethodDescriptor<Req, Resp> method,
      boolean isServer,
      @Nullable Deadline deadlineOrNull,
      String authority,
      @Nullable SocketAddress peerOrNull) {
    this(method, isServer, deadlineOrNull, authority, peerOrNull, null);
  }

  @Override
  public Optional<Deadline> deadline() {
    return Optional.ofNullable(deadlineOrNull);
  }

  @Override
  public Optional<SocketAddress> peer() {
    return Optional.ofNullable(peerOrNull);
  }

  @Override
  public Optional<TlsInfo> tls() {
    return Optional.ofNullable(tlsOrNull);
  }
}
