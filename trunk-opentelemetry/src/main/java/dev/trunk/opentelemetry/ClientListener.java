package dev.trunk.opentelemetry;

import dev.trunk.CallInfo;
import dev.trunk.EventListener;
import dev.trunk.Metadata;
import io.opentelemetry.api.common.Attributes;
import java.net.SocketAddress;
import org.jspecify.annotations.Nullable;

/** Records one channel's calls and connections on the {@code grpc.client.*} instruments. */
final class ClientListener implements EventListener {
  private final ClientInstruments in;
  private final Attributes target;
  private final MethodNames names = new MethodNames();

  ClientListener(ClientInstruments in, String target) {
    this.in = in;
    this.target = Attributes.of(Labels.TARGET, target);
  }

  @Override
  public CallEvents callStarted(CallInfo<?, ?> call, Metadata requestHeaders) {
    Attributes methodAndTarget =
        target.toBuilder().put(Labels.METHOD, names.label(call.method().fullName())).build();
    return new ClientCall(in, methodAndTarget, System.nanoTime());
  }

  @Override
  public void connectionOpened(Connection connection) {
    String version = Labels.protocolVersion(connection.httpVersion());
    in.connectionOpened.add(1, target.toBuilder().put(Labels.PROTOCOL_VERSION, version).build());
    in.connectionOpen.add(1, target);
  }

  @Override
  public void connectionClosed(Connection connection) {
    in.connectionOpen.add(-1, target);
  }

  @Override
  public void tlsHandshakeFailed(@Nullable SocketAddress peer, Throwable cause) {
    String errorType = TlsFailures.errorType(cause);
    in.tlsFailures.add(1, target.toBuilder().put(Labels.ERROR_TYPE, errorType).build());
  }
}
