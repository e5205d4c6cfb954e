package dev.trunk;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * An HTTP/2 peer on a plain blocking socket, for floods: it encodes frames by hand (HPACK literals
 * without indexing or Huffman), writes as fast as the socket takes them and reads only when told,
 * so the server sees a peer that never reads its answers.
 */
final class RawSocket implements AutoCloseable {
  static final int DATA = 0x0;
  static final int HEADERS = 0x1;
  static final int RST_STREAM = 0x3;
  static final int SETTINGS = 0x4;
  static final int PING = 0x6;
  static final int GOAWAY = 0x7;
  static final int CONTINUATION = 0x9;

  static final int END_STREAM = 0x1;
  static final int END_HEADERS = 0x4;

  static final long CANCEL = 0x8;
  static final long ENHANCE_YOUR_CALM = 0xb;

  private static final byte[] PREFACE =
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  /** A GOAWAY frame read from the server. */
  record GoAway(int lastStreamId, long errorCode, String debug) {}

  private final Socket socket;
  private final OutputStream out;
  private final DataInputStream in;

  /**
   * Connects with a small receive buffer (so the server's answers back up quickly) and sends the
   * preface and an empty SETTINGS frame.
   */
  RawSocket(int port) throws IOException {
    socket = new Socket();
    socket.setReceiveBufferSize(4096);
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    out = socket.getOutputStream();
    in = new DataInputStream(socket.getInputStream());
    out.write(PREFACE);
    out.write(frame(SETTINGS, 0, 0, new byte[0]));
    out.flush();
  }

  void write(byte[] bytes) throws IOException {
    out.write(bytes);
  }

  /** Reads frames on another thread from now on; completes as {@link #readUntilClosed} returns. */
  CompletableFuture<@Nullable GoAway> readInBackground() {
    CompletableFuture<@Nullable GoAway> result = new CompletableFuture<>();
    Thread.ofPlatform()
        .name("raw-socket-reader")
        .start(
            () -> {
              try {
                result.complete(readUntilClosed(60_000));
              } catch (IOException | RuntimeException e) {
                result.completeExceptionally(e);
              }
            });
    return result;
  }

  /**
   * Reads frames until the server closes the connection; returns the first GOAWAY, or null if none
   * arrived (a peer that never reads may never see it: it waits behind the unread answers).
   *
   * @throws java.net.SocketTimeoutException if the connection is still open after the timeout
   */
  @Nullable GoAway readUntilClosed(int timeoutMillis) throws IOException {
    socket.setSoTimeout(timeoutMillis);
    GoAway goAway = null;
    byte[] header = new byte[9];
    while (true) {
      try {
        in.readFully(header);
      } catch (EOFException | java.net.SocketException closed) {
        return goAway;
      }
      int length = (header[0] & 0xff) << 16 | (header[1] & 0xff) << 8 | (header[2] & 0xff);
      byte[] payload = new byte[length];
      in.readFully(payload);
      if (header[3] == GOAWAY && goAway == null) {
        goAway = parseGoAway(payload);
      }
    }
  }

  private static GoAway parseGoAway(byte[] payload) {
    int lastStreamId = readInt(payload, 0) & 0x7fffffff;
    long errorCode = readInt(payload, 4) & 0xffffffffL;
    String debug = new String(payload, 8, payload.length - 8, StandardCharsets.UTF_8);
    return new GoAway(lastStreamId, errorCode, debug);
  }

  private static int readInt(byte[] bytes, int at) {
    return (bytes[at] & 0xff) << 24
        | (bytes[at + 1] & 0xff) << 16
        | (bytes[at + 2] & 0xff) << 8
        | (bytes[at + 3] & 0xff);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  // ---- frame encoding ---------------------------------------------------------------------

  static byte[] frame(int type, int flags, int streamId, byte[] payload) {
    byte[] frame = new byte[9 + payload.length];
    frame[0] = (byte) (payload.length >>> 16);
    frame[1] = (byte) (payload.length >>> 8);
    frame[2] = (byte) payload.length;
    frame[3] = (byte) type;
    frame[4] = (byte) flags;
    writeInt(frame, 5, streamId);
    System.arraycopy(payload, 0, frame, 9, payload.length);
    return frame;
  }

  static byte[] ping(long data) {
    byte[] payload = new byte[8];
    for (int i = 0; i < 8; i++) {
      payload[i] = (byte) (data >>> (56 - 8 * i));
    }
    return frame(PING, 0, 0, payload);
  }

  static byte[] settings() {
    return frame(SETTINGS, 0, 0, new byte[0]);
  }

  static byte[] rstStream(int streamId, long code) {
    byte[] payload = new byte[4];
    writeInt(payload, 0, (int) code);
    return frame(RST_STREAM, 0, streamId, payload);
  }

  static byte[] data(int streamId, byte[] payload, boolean end) {
    return frame(DATA, end ? END_STREAM : 0, streamId, payload);
  }

  /** A gRPC message: the 5-byte prefix (uncompressed) and the body. */
  static byte[] grpcMessage(byte[] body) {
    byte[] message = new byte[5 + body.length];
    writeInt(message, 1, body.length);
    System.arraycopy(body, 0, message, 5, body.length);
    return message;
  }

  /** A HEADERS frame with the request headers of a gRPC call to {@code path}. */
  static byte[] grpcHeaders(int streamId, String path, boolean endStream, boolean endHeaders) {
    byte[] block =
        hpackLiterals(
            Map.of(
                ":method", "POST",
                ":scheme", "http",
                ":path", path,
                ":authority", "localhost",
                "content-type", "application/grpc",
                "te", "trailers"));
    int flags = (endStream ? END_STREAM : 0) | (endHeaders ? END_HEADERS : 0);
    return frame(HEADERS, flags, streamId, block);
  }

  /**
   * Header fields as HPACK "literal header field without indexing, new name", no Huffman (RFC 7541
   * section 6.2.2); pseudo-headers first, as RFC 9113 section 8.3 requires.
   */
  static byte[] hpackLiterals(Map<String, String> headers) {
    ByteArrayOutputStream block = new ByteArrayOutputStream();
    headers.entrySet().stream()
        .sorted((a, b) -> Boolean.compare(!a.getKey().startsWith(":"), !b.getKey().startsWith(":")))
        .forEach(
            header -> {
              block.write(0);
              writeString(block, header.getKey());
              writeString(block, header.getValue());
            });
    return block.toByteArray();
  }

  private static void writeString(ByteArrayOutputStream block, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
    if (bytes.length >= 127) {
      throw new IllegalArgumentException("header string too long for this encoder: " + text);
    }
    block.write(bytes.length);
    block.writeBytes(bytes);
  }

  private static void writeInt(byte[] bytes, int at, int value) {
    bytes[at] = (byte) (value >>> 24);
    bytes[at + 1] = (byte) (value >>> 16);
    bytes[at + 2] = (byte) (value >>> 8);
    bytes[at + 3] = (byte) value;
  }
}
