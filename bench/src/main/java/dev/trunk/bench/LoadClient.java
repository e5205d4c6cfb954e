package dev.trunk.bench;

import dev.trunk.BidiStreamingCall;
import dev.trunk.CallOptions;
import dev.trunk.Channel;
import dev.trunk.ResponseStream;
import io.grpc.benchmarks.proto.Messages.SimpleRequest;
import io.grpc.benchmarks.proto.Messages.SimpleResponse;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * {@code client}: a Trunk load generator for {@code grpc.testing.BenchmarkService}.
 *
 * <pre>
 * java -jar trunk-bench.jar client --address=127.0.0.1:50051
 *     [--mode=unary|streaming|server-streaming]   unary calls, streaming ping-pong (StreamingCall),
 *                                                 or StreamingFromServer (messages/s)
 *     [--channels=1] [--outstanding=1]            closed loop: connections, and calls (or streams)
 *                                                 in flight on each, like grpc-java's AsyncClient
 *     [--rate=N [--poisson] [--max-outstanding=10000]]
 *                                                 open loop (unary): N calls/s in total, latency
 *                                                 measured from each call's intended start
 *     [--payload=100 | --req-size=B --resp-size=B] message sizes (k and m suffixes: 1k = 1024)
 *     [--warmup=5] [--duration=10]                seconds
 *     [--label=NAME] [--out=result.json] [--tsv=results.tsv] [--progress=true]
 * </pre>
 */
public final class LoadClient {
  /** What to run, from the flags. */
  public record Config(
      String host,
      int port,
      String mode,
      int channels,
      int outstanding,
      double rate,
      boolean poisson,
      int maxOutstanding,
      int requestSize,
      int responseSize,
      double warmupSeconds,
      double durationSeconds,
      String label,
      boolean progress) {

    public static Config from(Flags flags) {
      String address = flags.string("address", "127.0.0.1:50051");
      int colon = address.lastIndexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("--address must be host:port, got " + address);
      }
      int payload = flags.integer("payload", 100);
      Config config =
          new Config(
              address.substring(0, colon),
              Integer.parseInt(address.substring(colon + 1)),
              flags.string("mode", "unary"),
              flags.integer("channels", 1),
              flags.integer("outstanding", 1),
              flags.decimal("rate", 0),
              flags.bool("poisson", false),
              flags.integer("max-outstanding", 10_000),
              flags.integer("req-size", payload),
              flags.integer("resp-size", payload),
              flags.decimal("warmup", 5),
              flags.decimal("duration", 10),
              flags.string("label", "trunk-client"),
              flags.bool("progress", true));
      config.validate();
      return config;
    }

    void validate() {
      if (!List.of("unary", "streaming", "server-streaming").contains(mode)) {
        throw new IllegalArgumentException(
            "--mode must be unary, streaming or server-streaming: " + mode);
      }
      if (channels < 1 || outstanding < 1 || maxOutstanding < 1) {
        throw new IllegalArgumentException("--channels and --outstanding must be at least 1");
      }
      if (rate < 0 || (rate > 0 && !mode.equals("unary"))) {
        throw new IllegalArgumentException("--rate (open loop) is for --mode=unary, and >= 0");
      }
      if (requestSize < 0 || responseSize < 0) {
        throw new IllegalArgumentException("message sizes must be >= 0");
      }
      if (warmupSeconds < 0 || durationSeconds <= 0) {
        throw new IllegalArgumentException("--warmup must be >= 0 and --duration > 0");
      }
    }

    boolean openLoop() {
      return rate > 0;
    }
  }

  private final Config config;
  private final SimpleRequest request;
  private final List<Channel> channels = new ArrayList<>();
  private final Recorder live = new Recorder(3);
  private final Histogram total = new ConcurrentHistogram(3);
  private final AtomicLong errors = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong messages = new AtomicLong();
  private final AtomicLong liveMessages = new AtomicLong();
  private final PrintStream log;
  private volatile boolean stopping;
  private long measureStart;
  private long measureEnd;

  LoadClient(Config config, PrintStream log) {
    this.config = config;
    this.log = log;
    this.request = BenchService.makeRequest(config.requestSize(), config.responseSize());
  }

  static void run(List<String> args) throws Exception {
    Flags flags = Flags.parse(args);
    Config config = Config.from(flags);
    String out = flags.string("out", null);
    String tsv = flags.string("tsv", null);
    flags.rejectUnknown();
    ResultRow result = new LoadClient(config, System.err).run();
    System.out.print(result.toJson());
    if (out != null) {
      Files.writeString(Path.of(out), result.toJson(), StandardCharsets.UTF_8);
    }
    if (tsv != null) {
      result.appendTsv(Path.of(tsv));
    }
  }

  /** Runs the load and returns its result. */
  public ResultRow run() throws InterruptedException {
    for (int i = 0; i < config.channels(); i++) {
      // The callbacks here never block: complete on the event loop, as grpc-java's direct
      // executor does, rather than pay a hand-off per call to Trunk's default callback threads.
      channels.add(
          Channel.forAddress(config.host(), config.port()).callbackExecutor(Runnable::run).build());
    }
    long start = System.nanoTime();
    measureStart = start + seconds(config.warmupSeconds());
    measureEnd = measureStart + seconds(config.durationSeconds());
    Thread progress = Thread.ofPlatform().daemon().name("bench-progress").start(this::progress);
    try {
      if (config.openLoop()) {
        openLoop(start);
      } else {
        closedLoop();
      }
    } finally {
      stopping = true;
      progress.interrupt();
      progress.join(2000);
      for (Channel channel : channels) {
        channel.shutdownNow();
      }
    }
    return result();
  }

  // ---- closed loop ------------------------------------------------------------------------

  private void closedLoop() throws InterruptedException {
    int slots = config.channels() * config.outstanding();
    CountDownLatch done = new CountDownLatch(slots);
    for (Channel channel : channels) {
      for (int k = 0; k < config.outstanding(); k++) {
        switch (config.mode()) {
          case "unary" -> issueUnary(channel, done);
          case "streaming" -> Thread.startVirtualThread(() -> pingPong(channel, done));
          default -> Thread.startVirtualThread(() -> receiveStream(channel, done));
        }
      }
    }
    sleepUntil(measureEnd);
    stopping = true;
    if (!done.await(10, TimeUnit.SECONDS)) {
      log.println("warning: " + done.getCount() + " calls still in flight after 10 s; cancelling");
    }
  }

  private void issueUnary(Channel channel, CountDownLatch done) {
    if (stopping) {
      done.countDown();
      return;
    }
    long start = System.nanoTime();
    CompletableFuture<SimpleResponse> call;
    try {
      call = channel.unaryCallAsync(BenchService.UNARY_CALL, request, CallOptions.DEFAULT);
    } catch (RuntimeException e) {
      failed(e);
      Thread.startVirtualThread(() -> issueUnary(channel, done));
      return;
    }
    call.whenComplete(
        (response, error) -> {
          if (error != null) {
            failed(error);
            // Never recurse on a call that failed at once: continue on another thread.
            Thread.startVirtualThread(() -> issueUnary(channel, done));
            return;
          }
          record(start, System.nanoTime());
          issueUnary(channel, done);
        });
  }

  private void pingPong(Channel channel, CountDownLatch done) {
    try (BidiStreamingCall<SimpleRequest, SimpleResponse> call =
        channel.bidiStreamingCall(BenchService.STREAMING_CALL, CallOptions.DEFAULT)) {
      while (!stopping) {
        long start = System.nanoTime();
        call.send(request);
        if (call.receive() == null) {
          throw new IllegalStateException("the server ended the stream");
        }
        record(start, System.nanoTime());
      }
      call.closeSend();
      while (call.receive() != null) {
        // Drain to the end of the call.
      }
    } catch (RuntimeException e) {
      failed(e);
    } finally {
      done.countDown();
    }
  }

  private void receiveStream(Channel channel, CountDownLatch done) {
    try (ResponseStream<SimpleResponse> stream =
        channel.serverStreamingCall(
            BenchService.STREAMING_FROM_SERVER, request, CallOptions.DEFAULT)) {
      long last = System.nanoTime();
      while (!stopping) {
        if (stream.receive() == null) {
          throw new IllegalStateException("the server ended the stream");
        }
        long now = System.nanoTime();
        liveMessages.incrementAndGet();
        if (now >= measureStart && now < measureEnd) {
          messages.incrementAndGet();
          total.recordValue(now - last); // the gap between messages
        }
        last = now;
      }
      stream.cancel();
    } catch (RuntimeException e) {
      if (!stopping) {
        failed(e);
      }
    } finally {
      done.countDown();
    }
  }

  // ---- open loop --------------------------------------------------------------------------

  private void openLoop(long start) throws InterruptedException {
    AtomicInteger inFlight = new AtomicInteger();
    double meanGapNanos = 1e9 / config.rate();
    double intended = start;
    long index = 0;
    while (true) {
      long due = (long) intended;
      if (due >= measureEnd) {
        break;
      }
      sleepUntil(due);
      Channel channel = channels.get((int) (index++ % channels.size()));
      if (inFlight.get() >= config.maxOutstanding()) {
        if (due >= measureStart) {
          dropped.incrementAndGet();
        }
      } else {
        inFlight.incrementAndGet();
        try {
          channel
              .unaryCallAsync(BenchService.UNARY_CALL, request, CallOptions.DEFAULT)
              .whenComplete(
                  (response, error) -> {
                    inFlight.decrementAndGet();
                    if (error != null) {
                      failed(error);
                    } else {
                      record(due, System.nanoTime());
                    }
                  });
        } catch (RuntimeException e) {
          inFlight.decrementAndGet();
          failed(e);
        }
      }
      double gap =
          config.poisson()
              ? -Math.log(1 - ThreadLocalRandom.current().nextDouble()) * meanGapNanos
              : meanGapNanos;
      intended += gap;
    }
    stopping = true;
    long deadline = System.nanoTime() + seconds(10);
    while (inFlight.get() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    if (inFlight.get() > 0) {
      log.println("warning: " + inFlight.get() + " calls still in flight after 10 s; cancelling");
    }
  }

  // ---- recording and reporting ------------------------------------------------------------

  /**
   * Records a call that started (or was meant to start) at {@code start} and ended at {@code end}.
   */
  private void record(long start, long end) {
    long latency = Math.max(1, end - start);
    live.recordValue(latency);
    if (start >= measureStart && start < measureEnd) {
      total.recordValue(latency);
    }
  }

  private void failed(Throwable error) {
    if (errors.incrementAndGet() <= 5 && !stopping) {
      log.println("call failed: " + error);
    }
  }

  private void progress() {
    boolean console = System.console() != null;
    Histogram interval = null;
    long startedAt = System.nanoTime();
    while (!stopping) {
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        break;
      }
      interval = live.getIntervalHistogram(interval);
      long now = System.nanoTime();
      String phase = now < measureStart ? "warmup" : "measure";
      long count =
          config.mode().equals("server-streaming")
              ? liveMessages.getAndSet(0)
              : interval.getTotalCount();
      String line =
          String.format(
              Locale.ROOT,
              "[%4.0fs %-7s] %9d %s/s  p50 %8.1f us  p99 %8.1f us  max %9.1f us  errors %d",
              (now - startedAt) / 1e9,
              phase,
              count,
              config.mode().equals("server-streaming") ? "msgs" : "calls",
              interval.getValueAtPercentile(50) / 1e3,
              interval.getValueAtPercentile(99) / 1e3,
              interval.getMaxValue() / 1e3,
              errors.get());
      if (config.progress()) {
        log.print(console ? "\r" + line : line + "\n");
        log.flush();
      }
    }
    if (config.progress() && console) {
      log.println();
    }
  }

  private ResultRow result() {
    double seconds = config.durationSeconds();
    boolean streamingFromServer = config.mode().equals("server-streaming");
    long count = streamingFromServer ? messages.get() : total.getTotalCount();
    ResultRow row =
        new ResultRow()
            .put("label", config.label())
            .put("client", "trunk")
            .put("mode", config.mode())
            .put("loop", config.openLoop() ? "open" : "closed")
            .put("channels", config.channels())
            .put("outstanding", config.outstanding())
            .put("rate", config.rate())
            .put("req_size", config.requestSize())
            .put("resp_size", config.responseSize())
            .put("warmup_s", config.warmupSeconds())
            .put("duration_s", seconds)
            .put("calls", count)
            .put("errors", errors.get())
            .put("dropped", dropped.get())
            .put("qps", count / seconds);
    // For server streaming the percentiles are of the gaps between messages.
    row.put("p50_us", micros(total.getValueAtPercentile(50)))
        .put("p90_us", micros(total.getValueAtPercentile(90)))
        .put("p99_us", micros(total.getValueAtPercentile(99)))
        .put("p999_us", micros(total.getValueAtPercentile(99.9)))
        .put("max_us", micros(total.getMaxValue()))
        .put("mean_us", total.getTotalCount() == 0 ? 0.0 : total.getMean() / 1e3);
    return row;
  }

  private static double micros(long nanos) {
    return nanos / 1e3;
  }

  private static long seconds(double s) {
    return (long) (s * 1e9);
  }

  /** Parks until {@code deadline} (System.nanoTime), spinning for the last 50 microseconds. */
  static void sleepUntil(long deadline) {
    while (true) {
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        return;
      }
      if (remaining > 50_000) {
        LockSupport.parkNanos(remaining - 50_000);
      } else {
        Thread.onSpinWait();
      }
    }
  }

  /** The result of a run that measured nothing (for tests of the result format). */
  static ResultRow emptyResult(Config config) {
    return new LoadClient(config, System.err).result();
  }
}
