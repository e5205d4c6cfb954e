package dev.trunk.internal.client;

import dev.trunk.EventListener.AbortReason;
import dev.trunk.EventListener.CallEvents;
import dev.trunk.Metadata;
import dev.trunk.Status;
import dev.trunk.internal.InboundBudget;
import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;

/**
 * A {@link ClientStreamListener} passing everything on, the event listeners' hooks included;
 * subclasses listen in on some events.
 */
abstract class ForwardingListener implements ClientStreamListener {
  private final ClientStreamListener delegate;

  ForwardingListener(ClientStreamListener delegate) {
    this.delegate = delegate;
  }

  @Override
  public void onHeaders(Metadata headers, @Nullable String encoding, InboundBudget budget) {
    delegate.onHeaders(headers, encoding, budget);
  }

  @Override
  public boolean onData(ByteBuf data, boolean endOfStream) {
    return delegate.onData(data, endOfStream);
  }

  @Override
  public void onClose(Status status, Metadata trailers) {
    delegate.onClose(status, trailers);
  }

  @Override
  public void onWritten(int bytes) {
    delegate.onWritten(bytes);
  }

  @Override
  public void onAborted(AbortReason reason) {
    delegate.onAborted(reason);
  }

  @Override
  public void onTransparentRetry(Status refusal) {
    delegate.onTransparentRetry(refusal);
  }

  @Override
  public void onSingleAttempt(Metadata requestHeaders) {
    delegate.onSingleAttempt(requestHeaders);
  }

  @Override
  public long wireBytesReceived() {
    return delegate.wireBytesReceived();
  }

  @Override
  public CallEvents events() {
    return delegate.events();
  }
}
