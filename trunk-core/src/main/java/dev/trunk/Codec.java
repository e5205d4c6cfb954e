package dev.trunk;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Turns messages into bytes and back. Trunk calls {@link #encodedSize} once, then {@link #encode}
 * into a buffer of exactly that size, so encoders write straight into the transport's buffer.
 *
 * <p>Implementations must be thread-safe and stateless. {@link #protobuf} gives the codec for a
 * protobuf message type; generated code uses it.
 *
 * @param <T> the message type
 */
public interface Codec<T> {
  /** The number of bytes {@link #encode} writes for {@code message}. */
  int encodedSize(T message);

  /** Writes exactly {@link #encodedSize} bytes into {@code target}, advancing its position. */
  void encode(T message, ByteBuffer target) throws IOException;

  /**
   * Reads one message from all remaining bytes of {@code source}.
   *
   * @throws IOException if the bytes are not a valid message
   */
  T decode(ByteBuffer source) throws IOException;

  /** The content-subtype of protobuf, the default {@link #name()}. */
  String PROTO = "proto";

  /**
   * The content-subtype that names this codec on the wire (PROTOCOL-HTTP2.md, Content-Type): a
   * client sends {@code application/grpc+<name>} ({@code application/grpc} for {@value #PROTO}),
   * and a server accepts {@code application/grpc} or {@code application/grpc+<name>} for the
   * method's request codec and answers HTTP 415 to any other subtype. Lower case, e.g. {@code
   * "json"}.
   */
  default String name() {
    return PROTO;
  }

  /** The codec for a protobuf message type, given its default instance. */
  static <T extends MessageLite> Codec<T> protobuf(T defaultInstance) {
    @SuppressWarnings("unchecked") // a message's parser parses that message's type
    Parser<T> parser =
        (Parser<T>) requireNonNull(defaultInstance, "defaultInstance").getParserForType();
    return new Codec<>() {
      @Override
      public int encodedSize(T message) {
        return message.getSerializedSize();
      }

      @Override
      public void encode(T message, ByteBuffer target) throws IOException {
        CodedOutputStream out = CodedOutputStream.newInstance(target);
        message.writeTo(out);
        out.flush();
      }

      @Override
      public T decode(ByteBuffer source) throws InvalidProtocolBufferException {
        return parser.parseFrom(source);
      }

      @Override
      public String toString() {
        return "Codec.protobuf(" + defaultInstance.getClass().getName() + ")";
      }
    };
  }
}
