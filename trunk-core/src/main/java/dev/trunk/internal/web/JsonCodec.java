package dev.trunk.internal.web;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.trunk.Codec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * The proto3 JSON mapping (protobuf.dev, "ProtoJSON Format") as a {@link Codec} named {@code json},
 * for {@code application/json}, {@code application/connect+json}, {@code application/grpc-web+json}
 * and {@code application/grpc+json}. It works on any message type through its descriptor: JSON is
 * read by {@link JsonFormat} into a {@link DynamicMessage}, whose binary form the protobuf codec
 * then decodes, and the other way round for writing.
 *
 * <p>Writing is compact and omits fields with default values, as the mapping's canonical form does.
 * Reading accepts both the JSON and the original field names, and refuses unknown fields unless
 * asked to ignore them. A {@code google.protobuf.Any} field is read and written as JSON when its
 * type is defined in the message's .proto file or the files it imports (transitively); an {@code
 * Any} of another type fails.
 */
public final class JsonCodec<T> implements Codec<T> {
  /** The codec's name: the content-subtype of JSON (gRPC, gRPC-Web and Connect alike). */
  static final String NAME = "json";

  /**
   * The deepest nesting of JSON arrays and objects read: twice JsonFormat's recursion limit of 100
   * messages, since a repeated field adds an array level per message. The check runs before gson,
   * whose tree reader recurses once per level and would overflow the stack on a deep input.
   */
  static final int MAX_DEPTH = 200;

  /**
   * The JSON of the message {@link #encodedSize} measured last on this thread, so {@link #encode}
   * does not print it again (Trunk calls the two in turn on one thread); cleared by encode. A
   * measure without an encode keeps one message's JSON until the thread's next measure or encode.
   */
  private static final ThreadLocal<@Nullable Printed> LAST_PRINTED = new ThreadLocal<>();

  private final Codec<T> protoCodec;
  private final Descriptor type;
  private final JsonFormat.Parser parser;
  private final JsonFormat.Printer printer;

  private record Printed(JsonCodec<?> codec, Object message, byte[] json) {}

  private JsonCodec(Codec<T> protoCodec, Descriptor type, boolean ignoreUnknownFields) {
    this.protoCodec = protoCodec;
    this.type = type;
    JsonFormat.TypeRegistry anyTypes = JsonFormat.TypeRegistry.newBuilder().add(type).build();
    JsonFormat.Parser strict = JsonFormat.parser().usingTypeRegistry(anyTypes);
    this.parser = ignoreUnknownFields ? strict.ignoringUnknownFields() : strict;
    this.printer =
        JsonFormat.printer().usingTypeRegistry(anyTypes).omittingInsignificantWhitespace();
  }

  /**
   * The JSON codec of the messages {@code protoCodec} handles, which are of {@code type}.
   *
   * @param ignoreUnknownFields whether JSON fields {@code type} does not have are skipped rather
   *     than refused
   */
  public static <T> Codec<T> of(Codec<T> protoCodec, Descriptor type, boolean ignoreUnknownFields) {
    return new JsonCodec<>(protoCodec, type, ignoreUnknownFields);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int encodedSize(T message) {
    byte[] json = print(message);
    LAST_PRINTED.set(new Printed(this, message, json));
    return json.length;
  }

  @Override
  public void encode(T message, ByteBuffer target) throws IOException {
    Printed last = LAST_PRINTED.get();
    LAST_PRINTED.remove();
    target.put(
        last != null && last.codec() == this && last.message() == message
            ? last.json()
            : print(message));
  }

  /**
   * Reads one message from the JSON in all remaining bytes of {@code source}.
   *
   * @throws IOException naming the message type and the problem: not UTF-8, malformed JSON (with
   *     its position), an unknown field, a value of the wrong type
   */
  @Override
  public T decode(ByteBuffer source) throws IOException {
    String json = utf8(source);
    checkDepth(json);
    DynamicMessage.Builder builder = DynamicMessage.newBuilder(type);
    try {
      parser.merge(json, builder);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new IOException("invalid JSON for " + type.getFullName() + ": " + e.getMessage(), e);
    }
    return protoCodec.decode(builder.build().toByteString().asReadOnlyByteBuffer());
  }

  /** Refuses JSON nested deeper than {@link #MAX_DEPTH}, counting brackets outside strings. */
  private void checkDepth(String json) throws IOException {
    int depth = 0;
    boolean inString = false;
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      if (inString) {
        if (c == '\\') {
          i++; // the escaped character cannot end the string
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '[' || c == '{') {
        if (++depth > MAX_DEPTH) {
          throw new IOException(
              "invalid JSON for "
                  + type.getFullName()
                  + ": nested deeper than "
                  + MAX_DEPTH
                  + " arrays and objects at offset "
                  + i);
        }
      } else if (c == ']' || c == '}') {
        depth--;
      }
    }
  }

  private byte[] print(T message) {
    ByteBuffer binary = ByteBuffer.allocate(protoCodec.encodedSize(message));
    try {
      protoCodec.encode(message, binary);
      return printer
          .print(DynamicMessage.parseFrom(type, binary.array()))
          .getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot write a " + type.getFullName() + " as JSON: " + e.getMessage(), e);
    }
  }

  private String utf8(ByteBuffer source) throws IOException {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(source)
          .toString();
    } catch (CharacterCodingException e) {
      throw new IOException("invalid JSON for " + type.getFullName() + ": not UTF-8 text", e);
    }
  }

  @Override
  public String toString() {
    return "JsonCodec(" + type.getFullName() + ")";
  }
}
