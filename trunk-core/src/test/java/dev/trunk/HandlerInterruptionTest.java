package dev.trunk;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.BytesValue;
import com.google.protobuf.StringValue;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interrupting a handler's thread on cancellation is opt-in per service ({@link
 * Server.Builder#interruptibleService}): an interrupt closes any NIO channel the thread then uses,
 * such as a {@code FileChannel} shared by all calls. Without it a cancelled handler still learns of
 * the cancellation through its {@link CallContext} and through {@code send}/{@code receive}.
 */
class HandlerInterruptionTest {
  private static final String SERVICE = "trunk.test.Interruption";
  private static final String INTERRUPTIBLE = "trunk.test.Interruptible";

  private static MethodDescriptor<StringValue, StringValue> unary(String service, String name) {
    return MethodDescriptor.of(
        service, name, MethodDescriptor.Type.UNARY, TestService.STRING, TestService.STRING);
  }

  private static final MethodDescriptor<StringValue, StringValue> READ_AFTER_CANCEL =
      unary(SERVICE, "ReadAfterCancel");
  private static final MethodDescriptor<StringValue, StringValue> SLEEP =
      unary(INTERRUPTIBLE, "Sleep");
  private static final MethodDescriptor<StringValue, BytesValue> FLOOD =
      MethodDescriptor.of(
          SERVICE,
          "Flood",
          MethodDescriptor.Type.SERVER_STREAMING,
          TestService.STRING,
          TestService.BYTES);

  @TempDir Path directory;

  private final CountDownLatch started = new CountDownLatch(1);
  private final CompletableFuture<String> outcome = new CompletableFuture<>();
  private final AtomicReference<Thread> floodThread = new AtomicReference<>();
  private final AtomicInteger floodSent = new AtomicInteger();
  private FileChannel sharedFile;
  private Server server;
  private Channel channel;

  @BeforeEach
  void start() throws Exception {
    Path file = directory.resolve("shared");
    Files.write(file, new byte[] {1, 2, 3, 4});
    sharedFile = FileChannel.open(file, StandardOpenOption.READ);
    ServiceDefinition plain =
        ServiceDefinition.builder(SERVICE)
            .unary(READ_AFTER_CANCEL, this::readAfterCancel)
            .serverStreaming(FLOOD, this::flood)
            .build();
    ServiceDefinition interruptible =
        ServiceDefinition.builder(INTERRUPTIBLE).unary(SLEEP, this::sleep).build();
    server =
        Server.builder()
            .address("127.0.0.1", 0)
            .service(plain)
            .interruptibleService(() -> interruptible)
            .build()
            .start();
    channel = Channel.forAddress("127.0.0.1", server.port()).build();
  }

  @AfterEach
  void stop() throws IOException {
    channel.shutdownNow();
    server.shutdownNow();
    sharedFile.close();
  }

  /** Waits for the cancellation as code that restores the interrupt flag would, then reads. */
  private StringValue readAfterCancel(StringValue request) {
    CountDownLatch cancelled = new CountDownLatch(1);
    CallContext.current().onCancel(cancelled::countDown);
    started.countDown();
    boolean interrupted = false;
    while (true) {
      try {
        if (cancelled.await(30, TimeUnit.SECONDS)) {
          break;
        }
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    try {
      int read = sharedFile.read(ByteBuffer.allocate(4), 0);
      outcome.complete("read " + read + " bytes, interrupted=" + interrupted);
    } catch (IOException e) {
      outcome.complete("read failed: " + e.getClass().getSimpleName());
    }
    return request;
  }

  private StringValue sleep(StringValue request) {
    started.countDown();
    try {
      Thread.sleep(30_000);
      outcome.complete("slept");
    } catch (InterruptedException e) {
      outcome.complete("interrupted, cancelled=" + CallContext.current().isCancelled());
    }
    return request;
  }

  /** Sends 256 KiB messages to a client that does not read, until send fails. */
  private void flood(StringValue request, StreamSender<BytesValue> responses) {
    floodThread.set(Thread.currentThread());
    BytesValue chunk = BytesValue.of(ByteString.copyFrom(new byte[256 * 1024]));
    try {
      for (int i = 0; i < 1000; i++) {
        responses.send(chunk);
        floodSent.incrementAndGet();
      }
      outcome.complete("sent everything");
    } catch (StatusException e) {
      outcome.complete("send threw " + e.status().code() + ", interrupted=" + Thread.interrupted());
    }
  }

  @Test
  void aCancelledHandlerIsNotInterruptedSoItsSharedFileChannelStaysOpen() throws Exception {
    CompletableFuture<StringValue> call =
        channel.unaryCallAsync(READ_AFTER_CANCEL, StringValue.of("x"), CallOptions.DEFAULT);
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    call.cancel(true);
    assertThat(outcome.get(10, TimeUnit.SECONDS)).isEqualTo("read 4 bytes, interrupted=false");
    assertThat(sharedFile.isOpen()).isTrue();
  }

  @Test
  void anInterruptibleServicesHandlerThreadIsInterruptedOnCancel() throws Exception {
    CompletableFuture<StringValue> call =
        channel.unaryCallAsync(SLEEP, StringValue.of("x"), CallOptions.DEFAULT);
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    call.cancel(true);
    assertThat(outcome.get(10, TimeUnit.SECONDS)).isEqualTo("interrupted, cancelled=true");
  }

  @Test
  void aHandlerBlockedInSendWakesWithAStatusExceptionWithoutAnInterrupt() throws Exception {
    try (ResponseStream<BytesValue> call =
        channel.serverStreamingCall(FLOOD, StringValue.of("x"), CallOptions.DEFAULT)) {
      awaitBlockedInSend();
      call.cancel();
    }
    assertThat(outcome.get(10, TimeUnit.SECONDS))
        .isEqualTo("send threw CANCELLED, interrupted=false");
  }

  /** Waits until the flood handler has sent something and parks: the client does not read. */
  private void awaitBlockedInSend() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      Thread thread = floodThread.get();
      if (thread != null && floodSent.get() > 0 && thread.getState() == Thread.State.WAITING) {
        return;
      }
      Thread.sleep(5);
    }
    throw new AssertionError("the handler never blocked in send; sent " + floodSent.get());
  }
}
