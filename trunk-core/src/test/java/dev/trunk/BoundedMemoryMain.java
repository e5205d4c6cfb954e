package dev.trunk;

import com.google.protobuf.ByteString;
import com.google.protobuf.BytesValue;
import com.google.protobuf.Int64Value;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.concurrent.locks.LockSupport;

/**
 * Streams 1 GiB each way through a deliberately slow consumer. Run by {@link BoundedMemoryTest} in
 * a JVM with a 256 MiB heap and 64 MiB of direct memory: unbounded buffering would run out.
 */
public final class BoundedMemoryMain {
  static final int MESSAGE_BYTES = 64 * 1024;
  static final long TOTAL_BYTES = 1L << 30;
  static final int MESSAGES = (int) (TOTAL_BYTES / MESSAGE_BYTES);

  static final MethodDescriptor<BytesValue, Int64Value> UPLOAD =
      MethodDescriptor.of(
          "trunk.test.Bulk",
          "Upload",
          MethodDescriptor.Type.CLIENT_STREAMING,
          TestService.BYTES,
          TestService.LONG);
  static final MethodDescriptor<Int64Value, BytesValue> DOWNLOAD =
      MethodDescriptor.of(
          "trunk.test.Bulk",
          "Download",
          MethodDescriptor.Type.SERVER_STREAMING,
          TestService.LONG,
          TestService.BYTES);

  private BoundedMemoryMain() {}

  public static void main(String[] args) throws Exception {
    BytesValue chunk = BytesValue.of(ByteString.copyFrom(new byte[MESSAGE_BYTES]));
    ServiceDefinition bulk =
        ServiceDefinition.builder("trunk.test.Bulk")
            .clientStreaming(
                UPLOAD,
                requests -> {
                  long total = 0;
                  int count = 0;
                  for (BytesValue message : requests) {
                    total += message.getValue().size();
                    slowDown(++count);
                  }
                  return Int64Value.of(total);
                })
            .serverStreaming(
                DOWNLOAD,
                (request, responses) -> {
                  for (long i = 0; i < request.getValue(); i++) {
                    responses.send(chunk);
                  }
                })
            .build();
    Server server = Server.builder().address("127.0.0.1", 0).service(bulk).build().start();
    try (Channel channel = Channel.forAddress("127.0.0.1", server.port()).build()) {
      long uploaded;
      try (ClientStreamingCall<BytesValue, Int64Value> upload =
          channel.clientStreamingCall(UPLOAD, CallOptions.DEFAULT)) {
        for (int i = 0; i < MESSAGES; i++) {
          upload.send(chunk);
        }
        uploaded = upload.complete().getValue();
      }
      long downloaded = 0;
      int count = 0;
      try (ResponseStream<BytesValue> download =
          channel.serverStreamingCall(DOWNLOAD, Int64Value.of(MESSAGES), CallOptions.DEFAULT)) {
        for (BytesValue message : download) {
          downloaded += message.getValue().size();
          slowDown(++count);
        }
      }
      System.out.println(
          "uploaded="
              + uploaded
              + " downloaded="
              + downloaded
              + " peakHeapMiB="
              + peakHeapBytes() / (1024 * 1024));
    } finally {
      server.shutdownNow();
    }
  }

  /** The consumer pauses 2 ms every 64 messages (4 MiB), so the sender must wait for it. */
  private static void slowDown(int count) {
    if (count % 64 == 0) {
      LockSupport.parkNanos(2_000_000);
    }
  }

  private static long peakHeapBytes() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak;
  }
}
