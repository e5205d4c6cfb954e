package dev.trunk.bench.jmh;

import dev.trunk.BidiStreamingCall;
import dev.trunk.CallOptions;
import dev.trunk.Channel;
import dev.trunk.Server;
import dev.trunk.bench.BenchService;
import dev.trunk.testing.InProcessServer;
import io.grpc.benchmarks.proto.Messages.SimpleRequest;
import io.grpc.benchmarks.proto.Messages.SimpleResponse;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A whole call through Trunk's public API, which exercises framing and deframing (length prefix,
 * flow control, buffers) as well as encoding: a blocking unary call, and one ping-pong on an open
 * bidirectional stream (framing without the cost of starting a call). Over Netty on loopback, or
 * through {@link InProcessServer} (the same framing, no sockets). Client and server share this JVM,
 * so the times are round trips on one machine, not a network benchmark.
 *
 * <pre>
 * java -jar bench/target/trunk-bench.jar jmh CallBenchmark -p transport=inprocess
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CallBenchmark {
  @Param({"netty", "inprocess"})
  public String transport;

  @Param({"virtual", "eventloop"})
  public String executor;

  @Param({"100", "10240"})
  public int payload;

  private Server server;
  private InProcessServer inProcess;
  private Channel channel;
  private SimpleRequest request;

  @Setup(Level.Trial)
  public void start() throws IOException {
    request = BenchService.makeRequest(payload, payload);
    boolean eventLoop = executor.equals("eventloop");
    if (transport.equals("netty")) {
      Server.Builder builder = Server.builder().address("127.0.0.1", 0);
      if (eventLoop) {
        builder.nonBlockingService(BenchService::unaryOnly).service(BenchService.streamingOnly());
      } else {
        builder.service(BenchService.all());
      }
      server = builder.build().start();
      channel = Channel.forAddress("127.0.0.1", server.port()).build();
    } else {
      InProcessServer.Builder builder = InProcessServer.builder();
      if (eventLoop) {
        builder.nonBlockingService(BenchService::unaryOnly).service(BenchService.streamingOnly());
      } else {
        builder.service(BenchService.all());
      }
      inProcess = builder.build();
      channel = inProcess.newChannel();
    }
  }

  @TearDown(Level.Trial)
  public void stop() {
    channel.shutdownNow();
    if (server != null) {
      server.shutdownNow();
    }
    if (inProcess != null) {
      inProcess.shutdownNow();
    }
  }

  /** One open StreamingCall per benchmark thread. */
  @State(Scope.Thread)
  public static class Stream {
    BidiStreamingCall<SimpleRequest, SimpleResponse> call;

    @Setup(Level.Trial)
    public void open(CallBenchmark bench) {
      call = bench.channel.bidiStreamingCall(BenchService.STREAMING_CALL, CallOptions.DEFAULT);
    }

    @TearDown(Level.Trial)
    public void close() {
      call.closeSend();
      while (call.receive() != null) {
        // Drain to the end.
      }
    }
  }

  @Benchmark
  public SimpleResponse unaryCall() {
    return channel.unaryCall(BenchService.UNARY_CALL, request, CallOptions.DEFAULT);
  }

  @Benchmark
  public SimpleResponse streamingPingPong(Stream stream) {
    stream.call.send(request);
    return stream.call.receive();
  }
}
