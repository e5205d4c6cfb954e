package dev.trunk.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.trunk.Codec;
import dev.trunk.Status;
import dev.trunk.StatusException;
import dev.trunk.internal.InboundBudget;
import dev.trunk.internal.wire.CompressionFuzzTest.Outcome;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Fuzzes {@link MessageDeframer} (PROTOCOL-HTTP2.md, "Length-Prefixed-Message"), identity and gzip,
 * with the stream's bytes split into DATA chunks at fuzzer-chosen points. Seeds: {@code
 * MessageDeframerFuzzTestInputs}.
 */
class MessageDeframerFuzzTest {
  /**
   * Messages framed by {@link MessageFramer}, compressed or not, come back identical, in order and
   * with their compressed flag, however the stream is split and whatever limit they fit under.
   */
  @FuzzTest
  void framedMessagesSplitAnywhereComeBackIdentical(FuzzedDataProvider data) {
    String encoding = data.consumeBoolean() ? Compression.GZIP : Compression.IDENTITY;
    TrackingAllocator allocator = new TrackingAllocator();
    List<byte[]> sent = new ArrayList<>();
    List<Boolean> sentCompressed = new ArrayList<>();
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    int needed = 0;
    int count = data.consumeInt(0, 8);
    for (int i = 0; i < count; i++) {
      byte[] message = FuzzInputs.repeatedBytes(data, 512, 64);
      boolean compress = encoding.equals(Compression.GZIP) && data.consumeBoolean();
      ByteBuf frame = MessageFramer.frame(BYTES, message, allocator, encoding, compress);
      needed = Math.max(needed, Math.max(message.length, frame.readableBytes() - 5));
      wire.writeBytes(ByteBufUtil.getBytes(frame));
      frame.release();
      sent.add(message);
      sentCompressed.add(compress);
    }
    int limit = data.consumeBoolean() ? needed : data.consumeInt(needed, Integer.MAX_VALUE);

    Received received = new Received(limit, -1, allocator);
    MessageDeframer deframer =
        new MessageDeframer(limit, encoding, allocator, InboundBudget.UNLIMITED, "response");
    feed(deframer, wire.toByteArray(), received, allocator, data);
    deframer.endOfStream();
    deframer.close();

    assertThat(received.messages).containsExactlyElementsOf(sent);
    assertThat(received.compressed).containsExactlyElementsOf(sentCompressed);
    allocator.assertAllReleased();
  }

  /**
   * Any bytes, split anywhere, deframe exactly as one contiguous parse of them says: the same
   * messages (gzip ones inflated) up to the first problem, which is INTERNAL (bad flag, compressed
   * on an identity stream, corrupt gzip, stream ending inside a message) or RESOURCE_EXHAUSTED
   * (announced or inflated size over the limit). No delivered message exceeds the limit, and every
   * buffer is released, also when the receiver of the messages throws.
   */
  @FuzzTest
  void anyBytesSplitAnywhereDeframeAsOneContiguousParseDoes(FuzzedDataProvider data) {
    String encoding = data.consumeBoolean() ? Compression.GZIP : Compression.IDENTITY;
    byte[] wire = fuzzedStream(data);
    int limit = FuzzInputs.limitAround(wire.length, data);
    int sinkFailsAt = data.consumeInt(-1, 8);
    Parse expected = Parse.of(wire, limit, encoding);

    TrackingAllocator allocator = new TrackingAllocator();
    Received received = new Received(limit, sinkFailsAt, allocator);
    MessageDeframer deframer =
        new MessageDeframer(limit, encoding, allocator, InboundBudget.UNLIMITED, "request");
    Status.Code failure = null;
    try {
      feed(deframer, wire, received, allocator, data);
      deframer.endOfStream();
    } catch (StatusException e) {
      failure = e.status().code();
      assertThat(e.status().description()).contains("request");
    } catch (SinkFailure e) {
      assertThat(received.messages).hasSize(sinkFailsAt + 1);
    } finally {
      deframer.close();
    }

    int delivered = received.messages.size();
    assertThat(received.messages)
        .containsExactlyElementsOf(expected.messages.subList(0, delivered));
    if (delivered <= sinkFailsAt || sinkFailsAt < 0) {
      assertThat(received.messages).hasSize(expected.messages.size());
      if (expected.failures.isEmpty()) {
        assertThat(failure).as("outcome").isNull();
      } else {
        assertThat(failure).as("outcome").isIn(expected.failures);
      }
    }
    allocator.assertAllReleased();
  }

  /** Passes {@code wire} to the deframer in fuzzer-sized chunks, heap or direct. */
  private static void feed(
      MessageDeframer deframer,
      byte[] wire,
      Received received,
      TrackingAllocator allocator,
      FuzzedDataProvider data) {
    int offset = 0;
    for (int size : FuzzInputs.chunkSizes(wire.length, data)) {
      boolean direct = data.consumeBoolean();
      ByteBuf chunk = FuzzInputs.buffer(allocator, wire, offset, size, direct);
      offset += size;
      deframer.deframe(chunk, message -> received.accept(message, deframer));
    }
  }

  /**
   * A stream of segments: raw bytes, or a frame whose body is plain or gzip, possibly with a wrong
   * flag, a wrong length or damaged bytes. Correct frames keep the fuzzer near valid input.
   */
  private static byte[] fuzzedStream(FuzzedDataProvider data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int segments = data.consumeInt(0, 6);
    for (int i = 0; i < segments; i++) {
      if (data.consumeInt(0, 2) == 0) {
        out.writeBytes(data.consumeBytes(data.consumeInt(0, 32)));
        continue;
      }
      byte[] plain = FuzzInputs.repeatedBytes(data, 128, 512);
      boolean compress = data.consumeBoolean();
      byte[] body = compress ? CompressionFuzzTest.gzip(plain) : plain;
      if (data.consumeInt(0, 3) == 0) {
        body = FuzzInputs.damage(body, data);
      }
      int flag = data.consumeInt(0, 15) == 0 ? data.consumeInt(0, 255) : compress ? 1 : 0;
      long length =
          switch (data.consumeInt(0, 7)) {
            case 0 -> data.consumeLong() & 0xFFFF_FFFFL;
            case 1 -> Math.max(0, body.length + data.consumeInt(-4, 4));
            default -> body.length;
          };
      out.write(flag);
      out.writeBytes(ByteBuffer.allocate(4).putInt((int) length).array());
      out.writeBytes(body);
    }
    return out.toByteArray();
  }

  /** The reference: what one straightforward pass over the whole stream finds. */
  private record Parse(List<byte[]> messages, Set<Status.Code> failures) {
    static Parse of(byte[] wire, int limit, String encoding) {
      List<byte[]> messages = new ArrayList<>();
      int position = 0;
      while (position < wire.length) {
        if (wire.length - position < MessageFramer.PREFIX_SIZE) {
          return failed(messages, Status.Code.INTERNAL); // cut short by the end of the stream
        }
        int flag = wire[position] & 0xFF;
        long length = ByteBuffer.wrap(wire, position + 1, 4).getInt() & 0xFFFF_FFFFL;
        Set<Status.Code> problems = EnumSet.noneOf(Status.Code.class);
        if (flag > 1 || (flag == 1 && encoding.equals(Compression.IDENTITY))) {
          problems.add(Status.Code.INTERNAL);
        }
        if (length > limit) {
          problems.add(Status.Code.RESOURCE_EXHAUSTED);
        }
        position += MessageFramer.PREFIX_SIZE;
        if (!problems.isEmpty()) {
          return new Parse(messages, problems);
        }
        if (wire.length - position < length) {
          return failed(messages, Status.Code.INTERNAL);
        }
        byte[] body = Arrays.copyOfRange(wire, position, position + (int) length);
        position += (int) length;
        if (flag == 0) {
          messages.add(body);
          continue;
        }
        Outcome inflated = inflate(body, limit);
        if (inflated.failure() != null) {
          return failed(messages, inflated.failure());
        }
        messages.add(inflated.bytes());
      }
      return new Parse(messages, Set.of());
    }

    private static Parse failed(List<byte[]> messages, Status.Code code) {
      return new Parse(messages, Set.of(code));
    }

    /** Trunk's own inflation of one contiguous buffer (CompressionFuzzTest checks it further). */
    private static Outcome inflate(byte[] body, int limit) {
      TrackingAllocator allocator = new TrackingAllocator();
      try {
        ByteBuf inflated =
            Compression.decompress(Unpooled.wrappedBuffer(body), limit, allocator, "request");
        try {
          return Outcome.ok(ByteBufUtil.getBytes(inflated));
        } finally {
          inflated.release();
        }
      } catch (StatusException e) {
        return Outcome.failed(e.status().code());
      }
    }
  }

  /** Collects delivered messages (copied, then released); optionally throws on one of them. */
  private static final class Received {
    final List<byte[]> messages = new ArrayList<>();
    final List<Boolean> compressed = new ArrayList<>();
    private final int limit;
    private final int failAt;
    private final ByteBufAllocator allocator;

    Received(int limit, int failAt, ByteBufAllocator allocator) {
      this.limit = limit;
      this.failAt = failAt;
      this.allocator = allocator;
    }

    /** As a call receives: a message flagged compressed is inflated by the receiver. */
    void accept(ByteBuf message, MessageDeframer deframer) {
      boolean wasCompressed = deframer.lastMessageCompressed();
      ByteBuf body =
          wasCompressed ? Compression.decompress(message, limit, allocator, "request") : message;
      try {
        assertThat(body.readableBytes()).as("a delivered message").isLessThanOrEqualTo(limit);
        messages.add(ByteBufUtil.getBytes(body));
        compressed.add(wasCompressed);
      } finally {
        body.release();
      }
      if (messages.size() - 1 == failAt) {
        throw new SinkFailure();
      }
    }
  }

  /** Thrown by a receiver that fails, as a call's message handling may. */
  private static final class SinkFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SinkFailure() {
      super("the receiver failed", null, false, false);
    }
  }

  /** Messages are their own bytes. */
  private static final Codec<byte[]> BYTES =
      new Codec<>() {
        @Override
        public int encodedSize(byte[] message) {
          return message.length;
        }

        @Override
        public void encode(byte[] message, ByteBuffer target) {
          target.put(message);
        }

        @Override
        public byte[] decode(ByteBuffer source) {
          byte[] bytes = new byte[source.remaining()];
          source.get(bytes);
          return bytes;
        }
      };
}
