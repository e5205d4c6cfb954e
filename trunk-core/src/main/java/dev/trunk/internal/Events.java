package dev.trunk.internal;

import dev.trunk.CallInfo;
import dev.trunk.EventListener;
import dev.trunk.Metadata;
import dev.trunk.Status;
import java.net.SocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * The listeners installed on a server or channel as one: each event goes to every listener, and an
 * exception a listener throws is logged (the first at WARN, later ones at DEBUG) and ignored. With
 * no listener, {@link #of} returns {@link EventListener#NONE} itself, so the transports pay one
 * empty interface call per event and allocate nothing.
 *
 * <p>Each call's events go through a {@link SerialEvents} (only when some listener wants them),
 * which delivers them one at a time and drops any that come after {@code closed}, so that {@code
 * closed} is the last event of a call even when a sending thread races the call's end; a {@link
 * CallFanout} inside it passes them on when several listeners want them.
 */
public final class Events implements EventListener {
  private static final Log log = Log.of(Events.class);
  private static final AtomicBoolean warned = new AtomicBoolean();

  private final EventListener[] listeners;

  private Events(EventListener[] listeners) {
    this.listeners = listeners;
  }

  /** One listener for {@code installed}: {@link EventListener#NONE} if the list is empty. */
  public static EventListener of(List<EventListener> installed) {
    return installed.isEmpty()
        ? EventListener.NONE
        : new Events(installed.toArray(EventListener[]::new));
  }

  /** Logs a listener's failure: the first of the process at WARN, the rest at DEBUG. */
  static void failed(Object listener, String event, RuntimeException e) {
    if (warned.compareAndSet(false, true)) {
      log.warn(
          "event listener {} failed on {}; ignored (further failures at DEBUG)",
          listener,
          event,
          e);
    } else {
      log.debug("event listener {} failed on {}; ignored", listener, event, e);
    }
  }

  @Override
  public CallEvents callStarted(CallInfo<?, ?> call, Metadata requestHeaders) {
    CallEvents[] wanted = new CallEvents[listeners.length];
    int count = 0;
    for (EventListener listener : listeners) {
      CallEvents events = started(listener, call, requestHeaders);
      if (events != CallEvents.NONE) {
        wanted[count++] = events;
      }
    }
    if (count == 0) {
      return CallEvents.NONE;
    }
    if (count == 1) {
      return new SerialEvents(wanted[0]);
    }
    return new SerialEvents(
        new CallFanout(count == wanted.length ? wanted : Arrays.copyOf(wanted, count)));
  }

  private static CallEvents started(
      EventListener listener, CallInfo<?, ?> call, Metadata requestHeaders) {
    try {
      CallEvents events = listener.callStarted(call, requestHeaders);
      return events == null ? CallEvents.NONE : events;
    } catch (RuntimeException e) {
      failed(listener, "callStarted", e);
      return CallEvents.NONE;
    }
  }

  @Override
  public void requestRejected(String path, Status status) {
    for (EventListener listener : listeners) {
      try {
        listener.requestRejected(path, status);
      } catch (RuntimeException e) {
        failed(listener, "requestRejected", e);
      }
    }
  }

  @Override
  public void connectionOpened(Connection connection) {
    for (EventListener listener : listeners) {
      try {
        listener.connectionOpened(connection);
      } catch (RuntimeException e) {
        failed(listener, "connectionOpened", e);
      }
    }
  }

  @Override
  public void connectionClosed(Connection connection) {
    for (EventListener listener : listeners) {
      try {
        listener.connectionClosed(connection);
      } catch (RuntimeException e) {
        failed(listener, "connectionClosed", e);
      }
    }
  }

  @Override
  public void tlsHandshakeFailed(@Nullable SocketAddress peer, Throwable cause) {
    for (EventListener listener : listeners) {
      try {
        listener.tlsHandshakeFailed(peer, cause);
      } catch (RuntimeException e) {
        failed(listener, "tlsHandshakeFailed", e);
      }
    }
  }
}
