package dev.trunk.internal.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MessageBatchTest {
  private final ByteBufAllocator allocator = ByteBufAllocator.DEFAULT;

  private ByteBuf message(String text) {
    return allocator.directBuffer().writeBytes(text.getBytes(StandardCharsets.US_ASCII));
  }

  private ByteBuf message(int size, char fill) {
    return message(String.valueOf(fill).repeat(size));
  }

  @Test
  void oneMessageIsHandedOnAsItIs() {
    MessageBatch batch = new MessageBatch();
    ByteBuf only = message("only");
    batch.add(only);

    ByteBuf taken = batch.take();
    assertThat(taken).isSameAs(only);
    assertThat(taken.readableBytes()).isEqualTo(4);
    taken.release();
    assertThat(batch.take()).as("empty after take").isNull();
  }

  @Test
  void smallMessagesAreCopiedIntoOneBufferInOrderAndReleased() {
    MessageBatch batch = new MessageBatch();
    ByteBuf first = message("one,");
    ByteBuf second = message("two,");
    ByteBuf third = message("three");
    batch.add(first);
    batch.add(second);
    batch.add(third);

    ByteBuf taken = batch.take();
    assertThat(taken).isNotInstanceOf(CompositeByteBuf.class);
    assertThat(taken.toString(StandardCharsets.US_ASCII)).isEqualTo("one,two,three");
    assertThat(first.refCnt()).isZero();
    assertThat(second.refCnt()).isZero();
    assertThat(third.refCnt()).isZero();
    taken.release();
  }

  @Test
  void largeMessagesAreJoinedWithoutCopyingAndKeepTheOrder() {
    MessageBatch batch = new MessageBatch();
    ByteBuf small = message("head");
    ByteBuf large = message(MessageBatch.COPY_LIMIT + 1, 'x');
    ByteBuf after = message("tail");
    batch.add(small);
    batch.add(large);
    batch.add(after);

    ByteBuf taken = batch.take();
    assertThat(taken.readableBytes()).isEqualTo(8 + MessageBatch.COPY_LIMIT + 1);
    assertThat(taken).isInstanceOf(CompositeByteBuf.class);
    String text = taken.toString(StandardCharsets.US_ASCII);
    assertThat(text)
        .startsWith("headxx")
        .endsWith("xxtail")
        .hasSize(8 + MessageBatch.COPY_LIMIT + 1);
    assertThat(large.refCnt()).as("joined, not copied").isEqualTo(1);
    taken.release();
    assertThat(large.refCnt()).isZero();
  }
}
