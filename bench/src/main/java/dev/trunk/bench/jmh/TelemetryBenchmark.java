package dev.trunk.bench.jmh;

import dev.trunk.CallInfo;
import dev.trunk.ContextKey;
import dev.trunk.Deadline;
import dev.trunk.EventListener;
import dev.trunk.EventListener.CallEvents;
import dev.trunk.Metadata;
import dev.trunk.MethodDescriptor;
import dev.trunk.Status;
import dev.trunk.TlsInfo;
import dev.trunk.bench.BenchService;
import dev.trunk.bench.BenchTelemetry;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What Trunk's server telemetry ({@code TrunkTelemetry.server()} on the OpenTelemetry SDK, as the
 * bench server's {@code --telemetry=on}) costs per unary call, without a transport: the events one
 * call raises, from {@code callStarted} to {@code closed}, on one thread. The end-to-end figure is
 * the paired h2load run in docs/performance.md; this one isolates the listener so that a change to
 * it can be judged in a minute.
 *
 * <pre>
 * java -jar bench/target/trunk-bench.jar jmh TelemetryBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TelemetryBenchmark {
  /** The span sampling ratio; "off" measures the default listener, which ignores every event. */
  @Param({"off", "0.01", "1.0"})
  public String sampling;

  private EventListener listener;
  private final CallInfo<?, ?> call = new UnaryCallInfo();
  private final Metadata requestHeaders = new Metadata();
  private final Metadata trailers = new Metadata();

  @Setup
  public void setUp() {
    listener =
        sampling.equals("off")
            ? EventListener.NONE
            : EventListener.all(new BenchTelemetry(Double.parseDouble(sampling)).serverListener());
  }

  /**
   * One unary call's events, in the order the server raises them, through the core's delivery (as a
   * server with this one listener installed).
   */
  @Benchmark
  public CallEvents unaryCall() {
    CallEvents events = listener.callStarted(call, requestHeaders);
    events.handlerThreadEntered();
    events.handlerStarted();
    events.messageReceived(111, 106);
    events.responseHeaders(trailers);
    events.messageSent(110, 105);
    events.closed(Status.OK, trailers);
    events.handlerThreadExited();
    return events;
  }

  /** A server call of BenchmarkService/UnaryCall from 127.0.0.1. */
  private static final class UnaryCallInfo implements CallInfo<Object, Object> {
    private static final SocketAddress PEER = new InetSocketAddress("127.0.0.1", 50000);

    @Override
    @SuppressWarnings("unchecked")
    public MethodDescriptor<Object, Object> method() {
      return (MethodDescriptor<Object, Object>) (MethodDescriptor<?, ?>) BenchService.UNARY_CALL;
    }

    @Override
    public boolean isServer() {
      return true;
    }

    @Override
    public Optional<Deadline> deadline() {
      return Optional.empty();
    }

    @Override
    public String authority() {
      return "127.0.0.1:50051";
    }

    @Override
    public Optional<SocketAddress> peer() {
      return Optional.of(PEER);
    }

    @Override
    public Optional<TlsInfo> tls() {
      return Optional.empty();
    }

    @Override
    public int attempts() {
      return 1;
    }

    @Override
    public <T> void put(ContextKey<T> key, T value) {}

    @Override
    public <T> Optional<T> get(ContextKey<T> key) {
      return Optional.empty();
    }
  }
}
