package dev.trunk.internal.wire;

import dev.trunk.Status;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.jspecify.annotations.Nullable;

/**
 * The message encodings Trunk speaks (compression.md): {@value #IDENTITY} and {@value #GZIP}.
 * Decompression is bounded: the decompressed size counts against the message limit, so a small
 * compressed message cannot expand into an out-of-memory error.
 */
public final class Compression {
  public static final String IDENTITY = "identity";
  public static final String GZIP = "gzip";

  private static final String ACCEPT_ENCODING = GZIP + "," + IDENTITY;
  private static final int CHUNK = 8192;

  private Compression() {}

  /** The value of grpc-accept-encoding that Trunk sends. */
  public static String acceptEncodingHeader() {
    return ACCEPT_ENCODING;
  }

  public static boolean isSupported(String encoding) {
    return encoding.equals(IDENTITY) || encoding.equals(GZIP);
  }

  /**
   * The encoding of a response whose grpc-encoding header is {@code header} (identity when absent).
   *
   * @throws dev.trunk.StatusException INTERNAL if the client does not support it (compression.md)
   */
  public static String responseEncoding(@Nullable String header) {
    String chosen = header == null ? IDENTITY : header;
    if (!isSupported(chosen)) {
      throw Status.INTERNAL
          .withDescription("the server compressed with unsupported grpc-encoding '" + chosen + "'")
          .asException();
    }
    return chosen;
  }

  /** Compresses {@code data} (not released) with gzip into a new buffer. */
  public static ByteBuf compress(byte[] data, ByteBufAllocator allocator) {
    ByteBuf out = allocator.buffer(data.length / 2 + 64);
    try (GZIPOutputStream gzip = new GZIPOutputStream(new ByteBufOutputStream(out), CHUNK)) {
      gzip.write(data);
    } catch (IOException | RuntimeException e) {
      out.release();
      throw Status.INTERNAL
          .withDescription("gzip compression failed: " + e)
          .withCause(e)
          .asException();
    }
    return out;
  }

  /**
   * Decompresses a gzip message (released here) into a new buffer of at most {@code limit} bytes.
   *
   * @throws dev.trunk.StatusException RESOURCE_EXHAUSTED past the limit, INTERNAL if corrupt
   */
  public static ByteBuf decompress(
      ByteBuf compressed, int limit, ByteBufAllocator allocator, String direction) {
    ByteBuf out =
        allocator.buffer(Math.min(limit, Math.max(CHUNK, compressed.readableBytes() * 2)));
    try (InputStream source = new ByteBufInputStream(compressed, true);
        InputStream in = new GZIPInputStream(source, CHUNK)) {
      while (true) {
        int room = limit - out.readableBytes();
        // One byte past the room shows the message is over the limit; "room + 1" only when it
        // cannot overflow (a limit of Integer.MAX_VALUE is allowed).
        int read = out.writeBytes(in, room < CHUNK ? room + 1 : CHUNK);
        if (read < 0) {
          return out;
        }
        if (out.readableBytes() > limit) {
          throw Status.RESOURCE_EXHAUSTED
              .withDescription(
                  "the decompressed "
                      + direction
                      + " message is larger than the limit of "
                      + limit
                      + " bytes")
              .asException();
        }
      }
    } catch (IOException e) {
      out.release();
      throw Status.INTERNAL
          .withDescription(
              "cannot decompress the gzip " + direction + " message: " + e.getMessage())
          .withCause(e)
          .asException();
    } catch (RuntimeException e) {
      out.release();
      throw e;
    }
  }
}
