package dev.trunk.internal.web;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Placeholder until the streaming decoder lands: decodes 4-character groups across chunks. */
public final class Base64Stream {
  private final StringBuilder pending = new StringBuilder();

  public ByteBuf decode(ByteBuf chunk, ByteBufAllocator allocator) {
    try {
      pending.append(chunk.toString(StandardCharsets.US_ASCII));
    } finally {
      chunk.release();
    }
    int whole = pending.length() - pending.length() % 4;
    ByteBuf out = allocator.buffer(whole / 4 * 3);
    for (int i = 0; i < whole; i += 4) {
      out.writeBytes(Base64.getDecoder().decode(pending.substring(i, i + 4)));
    }
    pending.delete(0, whole);
    return out;
  }

  public void finish() {
    if (pending.length() > 0) {
      throw new IllegalArgumentException("the grpc-web-text body ends inside a base64 group");
    }
  }

  public static ByteBuf encode(ByteBuf bytes, ByteBufAllocator allocator) {
    try {
      byte[] raw = new byte[bytes.readableBytes()];
      bytes.readBytes(raw);
      byte[] text = Base64.getEncoder().encode(raw);
      return allocator.buffer(text.length).writeBytes(text);
    } finally {
      bytes.release();
    }
  }
}
