package dev.trunk.internal.netty;

/** HTTP/2 flow-control settings shared by client and server. */
final class FlowControl {
  /** SETTINGS_INITIAL_WINDOW_SIZE we advertise: bytes a peer may send per stream unacknowledged. */
  static final int STREAM_WINDOW = 1024 * 1024;

  /** The connection-level receive window, raised from HTTP/2's 65,535 right after the preface. */
  static final int CONNECTION_WINDOW = 8 * 1024 * 1024;

  /** Window fraction consumed before a WINDOW_UPDATE goes out (Netty's default ratio). */
  static final float WINDOW_UPDATE_RATIO = 0.5f;

  /**
   * Whether the connection window is refilled as DATA arrives, independently of the streams: yes,
   * so that streams whose readers are slow, which withhold their own credit, never starve the other
   * streams of the connection. What the connection holds is bounded by its {@code InboundBudget}.
   */
  static final boolean AUTO_REFILL_CONNECTION = true;

  private FlowControl() {}
}
