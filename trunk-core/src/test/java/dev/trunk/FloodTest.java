package dev.trunk;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.StringValue;
import io.netty.util.ResourceLeakDetector;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * HTTP/2 floods (RFC 9113 section 10.5) from a raw socket against a real server. Each ends the
 * flooding connection with GOAWAY(ENHANCE_YOUR_CALM); the server's live heap afterwards is within a
 * few MB of before; and a well-behaved client on another connection keeps succeeding throughout.
 */
class FloodTest {
  private static final String ECHO = "/" + TestService.ECHO.fullName();
  private static final String SUM_SIZES = "/" + TestService.SUM_SIZES.fullName();
  private static final byte[] HELLO = RawSocket.grpcMessage(StringValue.of("hi").toByteArray());

  /** Live heap growth allowed after a flood; without the limits it is tens to hundreds of MB. */
  private static final long HEAP_SLACK = 8 * 1024 * 1024;

  /**
   * Live heap growth allowed while the flooding connection is still open: it includes what the
   * server allocates while it is still busy with the flood between a collection and the reading. A
   * million PINGs left about 180 MB live before the limits.
   */
  private static final long HEAP_SLACK_DURING = 32 * 1024 * 1024;

  private final AtomicInteger echoStarts = new AtomicInteger();
  private Server server;
  private Bystander bystander;
  private ResourceLeakDetector.Level leakDetection = ResourceLeakDetector.Level.PARANOID;

  /**
   * Netty's paranoid leak detection, on for the other tests, keeps a stack trace per access to
   * every live buffer: thousands of queued frames would then weigh tens of MB that a production
   * server never holds. These tests measure the server as it runs in production.
   */
  @BeforeEach
  void measureWithoutLeakTraces() {
    leakDetection = ResourceLeakDetector.getLevel();
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
  }

  @AfterEach
  void restoreLeakTraces() {
    ResourceLeakDetector.setLevel(leakDetection);
  }

  @BeforeEach
  void start() throws IOException {
    ServiceDefinition service =
        ServiceDefinition.builder(TestService.NAME)
            .unary(
                TestService.ECHO,
                request -> {
                  echoStarts.incrementAndGet();
                  return request;
                })
            .clientStreaming(
                TestService.SUM_SIZES,
                requests -> {
                  long total = 0;
                  for (var chunk : requests) {
                    total += chunk.getValue().size();
                  }
                  return com.google.protobuf.Int64Value.of(total);
                })
            .build();
    server = Server.builder().address("127.0.0.1", 0).service(service).build().start();
    bystander = new Bystander(server.port());
  }

  @AfterEach
  void stop() throws Exception {
    try {
      bystander.stopAndCheck();
    } finally {
      server.shutdownNow();
    }
  }

  @Test
  void aPingFloodFromAPeerThatNeverReadsIsCutOffWithEnhanceYourCalm() throws Exception {
    floodWithoutReading(RawSocket.ping(42), 1_000_000);
  }

  @Test
  void aSettingsFloodFromAPeerThatNeverReadsIsCutOffWithEnhanceYourCalm() throws Exception {
    floodWithoutReading(RawSocket.settings(), 1_000_000);
  }

  @Test
  void resetsProvokedByDataOnAClosedStreamAreLimited() throws Exception {
    long heapBefore = liveHeap();
    try (RawSocket peer = new RawSocket(server.port())) {
      var goAway = peer.readInBackground();
      peer.write(RawSocket.grpcHeaders(1, ECHO, false, true));
      peer.write(RawSocket.data(1, HELLO, true));
      // Each DATA frame on the finished stream makes the server answer RST_STREAM(STREAM_CLOSED)
      // (CVE-2025-8671, MadeYouReset). 5,000 frames: over twice the 2,000 resets the server may
      // send per window, and under its 10,000 queued control frames, so the limit under test is the
      // one that trips. With 20,000, one large read batch could queue 10,000 resets first, and
      // that limit's GOAWAY stayed behind them, unsent (seen once in CI).
      writeRepeatedly(peer, RawSocket.data(1, new byte[1], false), 5_000);
      assertEnhanceYourCalm(goAway.get(30, TimeUnit.SECONDS));
      assertThat(goAway.get().debug()).contains("RST");
    }
    assertThat(liveHeap() - heapBefore).isLessThan(HEAP_SLACK);
  }

  @Test
  void aPeerThatReadsOnlyAfterItsFloodStillGetsTheGoAwayBehindTheAnswers() throws Exception {
    try (RawSocket peer = new RawSocket(server.port())) {
      peer.write(RawSocket.grpcHeaders(1, ECHO, false, true));
      peer.write(RawSocket.data(1, HELLO, true));
      // 45 KB of SETTINGS acknowledgements that the peer does not read yet, more than its small
      // receive buffer holds, so the GOAWAY still waits on the server's side when the resets trip
      // the limit; and the peer is still writing then. A server that closed at once lost the
      // GOAWAY: its own queue, or its kernel's reset of a socket closed with unread bytes.
      writeRepeatedly(peer, RawSocket.settings(), 5_000);
      writeRepeatedly(peer, RawSocket.data(1, new byte[1], false), 20_000);
      RawSocket.GoAway goAway = peer.readUntilClosed(20_000);
      assertEnhanceYourCalm(goAway);
      assertThat(goAway.debug()).contains("RST");
    }
  }

  @Test
  void rapidResetIsCutOffAndResetStreamsStartNoHandler() throws Exception {
    int streams = 6_000;
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    for (int i = 0; i < streams; i++) {
      int id = 1 + 2 * i;
      wire.writeBytes(RawSocket.grpcHeaders(id, ECHO, false, true));
      wire.writeBytes(RawSocket.data(id, HELLO, true));
      wire.writeBytes(RawSocket.rstStream(id, RawSocket.CANCEL));
    }
    long heapBefore = liveHeap();
    try (RawSocket peer = new RawSocket(server.port())) {
      writeRepeatedly(peer, wire.toByteArray(), 1);
      RawSocket.GoAway goAway = peer.readUntilClosed(20_000);
      assertEnhanceYourCalm(goAway);
      assertThat(goAway.debug()).contains("RST");
    }
    // Streams reset in the packets that opened them never reach a handler (a few may, when a
    // request and its reset fall into different reads).
    assertThat(echoStarts.get()).isLessThan(streams / 10);
    assertThat(liveHeap() - heapBefore).isLessThan(HEAP_SLACK);
  }

  @Test
  void aFloodOfEmptyDataFramesIsCutOffWithEnhanceYourCalm() throws Exception {
    try (RawSocket peer = new RawSocket(server.port())) {
      peer.write(RawSocket.grpcHeaders(1, SUM_SIZES, false, true));
      writeRepeatedly(peer, RawSocket.data(1, new byte[0], false), 1_000);
      RawSocket.GoAway goAway = peer.readUntilClosed(20_000);
      assertEnhanceYourCalm(goAway);
      assertThat(goAway.debug()).contains("empty");
    }
  }

  @Test
  void aFloodOfEmptyContinuationFramesIsCutOffWithEnhanceYourCalm() throws Exception {
    try (RawSocket peer = new RawSocket(server.port())) {
      peer.write(RawSocket.grpcHeaders(1, ECHO, false, false));
      // Empty CONTINUATION frames, never ending the header block: the header list never grows, so
      // only the limit on small CONTINUATION frames stops them.
      writeRepeatedly(peer, RawSocket.frame(RawSocket.CONTINUATION, 0, 1, new byte[0]), 100_000);
      RawSocket.GoAway goAway = peer.readUntilClosed(20_000);
      assertEnhanceYourCalm(goAway);
      assertThat(goAway.debug()).contains("continuation");
    }
  }

  /**
   * Sends {@code count} copies of {@code frame} without reading anything, checks the heap, then
   * reads: the server must have closed the connection. Its GOAWAY(ENHANCE_YOUR_CALM) waits behind
   * the answers the peer never read, so the peer sees it only if it fit in the socket buffers.
   */
  private void floodWithoutReading(byte[] frame, int count) throws Exception {
    long heapBefore = liveHeap();
    try (RawSocket peer = new RawSocket(server.port())) {
      writeRepeatedly(peer, frame, count);
      assertThat(liveHeap() - heapBefore)
          .as("live heap growth with the flooding connection still open")
          .isLessThan(HEAP_SLACK);
      RawSocket.GoAway goAway = peer.readUntilClosed(30_000);
      if (goAway != null) {
        assertEnhanceYourCalm(goAway);
      }
    }
    assertThat(liveHeap() - heapBefore)
        .as("live heap growth after the flood")
        .isLessThan(HEAP_SLACK);
  }

  /**
   * Writes {@code frame} {@code count} times in chunks, stopping early when the server has closed
   * the connection (the write fails) or after 30 seconds.
   */
  private static void writeRepeatedly(RawSocket peer, byte[] frame, int count) {
    int perChunk = Math.max(1, 64 * 1024 / frame.length);
    byte[] chunk = new byte[perChunk * frame.length];
    for (int i = 0; i < perChunk; i++) {
      System.arraycopy(frame, 0, chunk, i * frame.length, frame.length);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    Thread thread =
        Thread.ofPlatform()
            .start(
                () -> {
                  try {
                    for (int sent = 0; sent < count; sent += perChunk) {
                      int frames = Math.min(perChunk, count - sent);
                      peer.write(java.util.Arrays.copyOf(chunk, frames * frame.length));
                      if (System.nanoTime() > deadline) {
                        return;
                      }
                    }
                  } catch (IOException closedByServer) {
                    // The server cut the connection off: the flood is over.
                  }
                });
    try {
      // A peer that never reads can block in write once the server stops reading too; the time
      // bound ends the flood either way.
      thread.join(TimeUnit.SECONDS.toMillis(35));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void assertEnhanceYourCalm(RawSocket.GoAway goAway) {
    assertThat(goAway).as("a GOAWAY before the connection closed").isNotNull();
    assertThat(goAway.errorCode()).as("GOAWAY error code").isEqualTo(RawSocket.ENHANCE_YOUR_CALM);
  }

  /**
   * The server's live heap (tests share the server's JVM): what each heap pool held at the end of a
   * full collection, as the collector measured it. The heap in use read a moment later would also
   * count what busy threads allocated since, several MB per thread.
   */
  static long liveHeap() {
    long live = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      long sum = 0;
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        MemoryUsage afterCollection = pool.getCollectionUsage();
        if (pool.getType() == MemoryType.HEAP && afterCollection != null) {
          sum += afterCollection.getUsed();
        }
      }
      live = Math.min(live, sum);
    }
    return live;
  }

  /** A well-behaved client on its own connection, calling in a loop until stopped. */
  private static final class Bystander {
    private final Channel channel;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger succeeded = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread thread;

    Bystander(int port) {
      channel = Channel.forAddress("127.0.0.1", port).build();
      thread = Thread.ofPlatform().name("bystander").start(this::loop);
    }

    private void loop() {
      while (running.get()) {
        try {
          StringValue reply =
              channel.unaryCall(TestService.ECHO, StringValue.of("still here"), options());
          if (reply.getValue().equals("still here")) {
            succeeded.incrementAndGet();
          }
          Thread.sleep(5);
        } catch (InterruptedException e) {
          return;
        } catch (RuntimeException e) {
          failure.compareAndSet(null, e);
        }
      }
    }

    private static CallOptions options() {
      return CallOptions.DEFAULT.withTimeout(java.time.Duration.ofSeconds(10));
    }

    void stopAndCheck() throws InterruptedException {
      running.set(false);
      thread.join(15_000);
      channel.shutdownNow();
      assertThat(failure.get()).as("a call of the well-behaved client failed").isNull();
      assertThat(succeeded.get()).as("calls of the well-behaved client").isPositive();
    }
  }
}
