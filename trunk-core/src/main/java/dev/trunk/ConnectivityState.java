package dev.trunk;

/**
 * The state of a channel or of one of its connections, as gRPC's connectivity semantics define it.
 *
 * <ul>
 *   <li>{@link #IDLE}: no connection and none being made; the next call (or {@code
 *       Channel.state(true)}) starts connecting. A channel with no call for its idle timeout
 *       returns here.
 *   <li>{@link #CONNECTING}: resolving the target or connecting; calls wait.
 *   <li>{@link #READY}: a connection is up; calls go out at once.
 *   <li>{@link #TRANSIENT_FAILURE}: connecting failed; the channel retries after a backoff. Calls
 *       fail at once with UNAVAILABLE unless they are wait-for-ready.
 *   <li>{@link #SHUTDOWN}: the channel was closed; calls fail.
 * </ul>
 */
public enum ConnectivityState {
  IDLE,
  CONNECTING,
  READY,
  TRANSIENT_FAILURE,
  SHUTDOWN
}
