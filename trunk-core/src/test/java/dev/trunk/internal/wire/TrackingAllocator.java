package dev.trunk.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * An unpooled allocator that remembers every buffer it made, so a fuzz test can assert that the
 * code under test released all of them (an unpooled buffer is never recycled, so its reference
 * count stays 0 once freed). Single-threaded, like the fuzz tests that use it.
 */
public final class TrackingAllocator extends AbstractByteBufAllocator {
  private final List<ByteBuf> allocated = new ArrayList<>();

  public TrackingAllocator() {
    super(false);
  }

  @Override
  protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
    return track(new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity));
  }

  @Override
  protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
    return track(new UnpooledDirectByteBuf(this, initialCapacity, maxCapacity));
  }

  @Override
  public CompositeByteBuf compositeHeapBuffer(int maxNumComponents) {
    return track(super.compositeHeapBuffer(maxNumComponents));
  }

  @Override
  public CompositeByteBuf compositeDirectBuffer(int maxNumComponents) {
    return track(super.compositeDirectBuffer(maxNumComponents));
  }

  @Override
  public boolean isDirectBufferPooled() {
    return false;
  }

  /** Fails unless every buffer allocated here has been released. */
  public void assertAllReleased() {
    for (ByteBuf buffer : allocated) {
      assertThat(buffer.refCnt()).as("reference count of %s", buffer).isZero();
    }
  }

  private <B extends ByteBuf> B track(B buffer) {
    allocated.add(buffer);
    return buffer;
  }
}
