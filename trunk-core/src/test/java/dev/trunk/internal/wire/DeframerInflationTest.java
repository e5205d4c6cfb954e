package dev.trunk.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trunk.Status;
import dev.trunk.StatusException;
import dev.trunk.internal.InboundBudget;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The deframer runs on the event loop and only splits messages: a compressed message leaves it as
 * it arrived, flagged, and the thread that receives it inflates it, within the same limit.
 */
class DeframerInflationTest {
  private static final ByteBufAllocator ALLOCATOR = ByteBufAllocator.DEFAULT;

  private static ByteBuf compressedFrame(byte[] plain) {
    ByteBuf body = Compression.compress(plain, ALLOCATOR);
    try {
      return Unpooled.buffer()
          .writeByte(1)
          .writeInt(body.readableBytes())
          .writeBytes(body, body.readerIndex(), body.readableBytes());
    } finally {
      body.release();
    }
  }

  @Test
  void aCompressedMessageLeavesTheDeframerAsItArrivedForTheReceiverToInflate() {
    byte[] plain = "hello hello hello hello".getBytes(StandardCharsets.UTF_8);
    ByteBuf frame = compressedFrame(plain);
    byte[] wire = ByteBufUtil.getBytes(frame, 5, frame.readableBytes() - 5);
    MessageDeframer deframer =
        new MessageDeframer(1000, Compression.GZIP, ALLOCATOR, InboundBudget.UNLIMITED, "request");
    List<ByteBuf> messages = new ArrayList<>();
    deframer.deframe(frame, messages::add);

    assertThat(messages).hasSize(1);
    assertThat(deframer.lastMessageCompressed()).isTrue();
    ByteBuf message = messages.get(0);
    assertThat(ByteBufUtil.getBytes(message)).isEqualTo(wire);
    ByteBuf inflated = Compression.decompress(message, 1000, ALLOCATOR, "request");
    try {
      assertThat(inflated.toString(StandardCharsets.UTF_8)).isEqualTo("hello hello hello hello");
    } finally {
      inflated.release();
    }
  }

  @Test
  void theLimitAppliesToTheInflatedSizeWhenTheReceiverInflates() {
    ByteBuf frame = compressedFrame(new byte[100_000]);
    MessageDeframer deframer =
        new MessageDeframer(1000, Compression.GZIP, ALLOCATOR, InboundBudget.UNLIMITED, "request");
    List<ByteBuf> messages = new ArrayList<>();
    deframer.deframe(frame, messages::add);

    assertThat(messages).hasSize(1);
    assertThatThrownBy(() -> Compression.decompress(messages.get(0), 1000, ALLOCATOR, "request"))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> {
              assertThat(e.status().code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
              assertThat(e.status().description()).contains("decompressed").contains("1000");
            });
  }
}
