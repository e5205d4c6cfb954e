package dev.trunk.opentelemetry;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import dev.trunk.Codec;
import java.io.IOException;
import java.nio.ByteBuffer;

/** Codecs for messages known only at run time: raw bytes, and messages of a reflected type. */
final class ProtoCodecs {
  /** A message's bytes as they are, for a protocol read field by field (server reflection). */
  static final Codec<byte[]> BYTES =
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

  private ProtoCodecs() {}

  /** The codec of messages of {@code type}, a descriptor the server's reflection described. */
  static Codec<DynamicMessage> dynamic(Descriptor type) {
    return new Codec<>() {
      @Override
      public int encodedSize(DynamicMessage message) {
        return message.getSerializedSize();
      }

      @Override
      public void encode(DynamicMessage message, ByteBuffer target) throws IOException {
        CodedOutputStream out = CodedOutputStream.newInstance(target);
        message.writeTo(out);
        out.flush();
      }

      @Override
      public DynamicMessage decode(ByteBuffer source) throws IOException {
        return DynamicMessage.parseFrom(type, CodedInputStream.newInstance(source));
      }
    };
  }
}
