package dev.trunk.bench.jmh;

import dev.trunk.Codec;
import dev.trunk.bench.BenchService;
import io.grpc.benchmarks.proto.Messages.SimpleRequest;
import java.io.IOException;
import java.nio.ByteBuffer;
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
 * Protobuf encoding and decoding through {@link Codec#protobuf}, as Trunk calls it: {@code
 * encodedSize} then {@code encode} into a buffer of exactly that size (a direct one, like Netty's
 * pooled buffers), and {@code decode} from a buffer.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBenchmark {
  @Param({"0", "100", "1024", "10240"})
  public int payload;

  private final Codec<SimpleRequest> codec = Codec.protobuf(SimpleRequest.getDefaultInstance());
  private SimpleRequest message;
  private ByteBuffer target;
  private ByteBuffer encoded;

  @Setup
  public void setUp() throws IOException {
    message = BenchService.makeRequest(payload, payload);
    int size = codec.encodedSize(message);
    target = ByteBuffer.allocateDirect(size);
    encoded = ByteBuffer.allocateDirect(size);
    codec.encode(message, encoded);
    encoded.flip();
  }

  @Benchmark
  public ByteBuffer encode() throws IOException {
    target.clear();
    target.limit(codec.encodedSize(message));
    codec.encode(message, target);
    return target;
  }

  @Benchmark
  public SimpleRequest decode() throws IOException {
    return codec.decode(encoded.duplicate());
  }
}
