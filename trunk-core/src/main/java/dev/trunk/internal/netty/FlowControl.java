package dev.trunk.internal.netty;

import io.netty.handler.flush.FlushConsolidationHandler;

/** HTTP/2 flow-control and write-batching settings shared by client and server. */
final class FlowControl {
  /** SETTINGS_INITIAL_WINDOW_SIZE we advertise: bytes a peer may send per stream unacknowledged. */
  static final int STREAM_WINDOW = 1024 * 1024;

  /** The connection-level receive window, raised from HTTP/2's 65,535 right after the preface. */
  static final int CONNECTION_WINDOW = 8 * 1024 * 1024;

  /** Window fraction consumed before a WINDOW_UPDATE goes out (Netty's default ratio). */
  static final float WINDOW_UPDATE_RATIO = 0.5f;

  /**
   * Flushes that may be merged into one write system call: the handlers flush after every response,
   * and merging those of one event-loop turn cut write calls per unary call from about 1 to 0.15 in
   * the benchmark harness (docs/performance.md).
   */
  static final int FLUSHES_PER_WRITE = 256;

  private FlowControl() {}

  /**
   * Merges the flushes of one event-loop turn, including those of tasks handed over by handler
   * threads (consolidateWhenNoReadInProgress), into one socket write. Sits between the HTTP/2
   * handler and TLS, so TLS also encrypts fewer, larger records.
   */
  static FlushConsolidationHandler flushConsolidation() {
    return new FlushConsolidationHandler(FLUSHES_PER_WRITE, true);
  }
}
