package dev.trunk.internal.netty;

/**
 * Limits on what an HTTP/2 peer may make a connection do, against the floods of RFC 9113 section
 * 10.5 ("Denial-of-Service Considerations"). Each one, when exceeded, ends the connection with
 * GOAWAY(ENHANCE_YOUR_CALM) and a debug message naming the limit; the other connections are not
 * affected. Netty enforces them (installed by {@link HandlerBuilder}); the values are ours.
 */
final class FloodLimits {
  /**
   * Frames the connection must answer (PING and SETTINGS acknowledgements, RST_STREAM) that may
   * wait unwritten because the peer does not read: CVE-2019-9512 (ping flood), CVE-2019-9515
   * (settings flood) and CVE-2019-9514 (reset flood). grpc-java and Netty use the same number.
   */
  static final int MAX_QUEUED_CONTROL_FRAMES = 10_000;

  /**
   * Consecutive DATA frames without payload and without END_STREAM (CVE-2019-9518, empty frames
   * flood): a gRPC peer has no reason to send even one, so a handful is generous.
   */
  static final int MAX_CONSECUTIVE_EMPTY_DATA_FRAMES = 10;

  /**
   * RST_STREAM frames a client may send per {@link #RST_WINDOW_SECONDS} (CVE-2023-44487, rapid
   * reset). A stream reset before its handler was dispatched costs no handler (see {@code
   * ServerHandler}), so the limit only has to stop the flood itself, not normal cancellation: 200
   * resets a second, far above what deadlines, cancellation and hedging produce.
   */
  static final int MAX_RST_FRAMES_PER_WINDOW = 2_000;

  /**
   * RST_STREAM frames the server may be made to send per {@link #RST_WINDOW_SECONDS}
   * (CVE-2025-8671, "MadeYouReset": frames that are invalid on a stream make the server reset it).
   */
  static final int MAX_SENT_RST_FRAMES_PER_WINDOW = 2_000;

  /**
   * The window of {@link #MAX_RST_FRAMES_PER_WINDOW} and {@link #MAX_SENT_RST_FRAMES_PER_WINDOW}.
   */
  static final int RST_WINDOW_SECONDS = 10;

  /**
   * CONTINUATION frames with little payload allowed in one header block (the 2024 CONTINUATION
   * flood, CVE-2024-27316 and its relatives); the header list size limit bounds the rest.
   */
  static final int MAX_SMALL_CONTINUATION_FRAMES = 16;

  private FloodLimits() {}
}
