package dev.trunk.internal.web;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Duration;
import com.google.protobuf.Int32Value;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import dev.trunk.Codec;
import dev.trunk.internal.web.JsonTestProto.Color;
import dev.trunk.internal.web.JsonTestProto.Everything;
import dev.trunk.internal.web.JsonTestProto.Point;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class JsonCodecTest {
  private static final Codec<Everything> PROTO = Codec.protobuf(Everything.getDefaultInstance());
  private static final Codec<Everything> JSON =
      JsonCodec.of(PROTO, Everything.getDescriptor(), false);
  private static final Codec<Everything> LENIENT =
      JsonCodec.of(PROTO, Everything.getDescriptor(), true);

  private static final Everything FULL =
      Everything.newBuilder()
          .setName("route \"66\"")
          .setBig(Long.MAX_VALUE)
          .setUnsignedBig(-1L)
          .setRatio(0.5)
          .setFlag(true)
          .setBlob(ByteString.copyFrom(new byte[] {(byte) 0xfb, (byte) 0xff}))
          .setColor(Color.COLOR_GREEN)
          .setPoint(Point.newBuilder().setX(1).setY(-2))
          .addPath(Point.newBuilder().setX(3))
          .addPath(Point.getDefaultInstance())
          .addTags("a")
          .addTags("b")
          .putCounts("k", 4)
          .setMaybe(0)
          .setText("chosen")
          .setAt(Timestamp.newBuilder().setSeconds(1_700_000_000).setNanos(5_000_000))
          .setTook(Duration.newBuilder().setSeconds(3).setNanos(500_000_000))
          .setExtra(
              Struct.newBuilder().putFields("on", Value.newBuilder().setBoolValue(true).build()))
          .setWrapped(Int32Value.of(0))
          .setAnything(Any.pack(Point.newBuilder().setX(9).build()))
          .build();

  @Test
  void itIsNamedJson() {
    assertThat(JSON.name()).isEqualTo("json");
  }

  @Test
  void aMessageIsWrittenInTheCompactCanonicalMapping() throws IOException {
    assertThat(encode(JSON, FULL))
        .isEqualTo(
            "{\"name\":\"route \\\"66\\\"\",\"big\":\"9223372036854775807\","
                + "\"unsignedBig\":\"18446744073709551615\",\"ratio\":0.5,\"flag\":true,"
                + "\"blob\":\"+/8=\",\"color\":\"COLOR_GREEN\",\"point\":{\"x\":1,\"y\":-2},"
                + "\"path\":[{\"x\":3},{}],\"tags\":[\"a\",\"b\"],\"counts\":{\"k\":4},"
                + "\"maybe\":0,\"text\":\"chosen\",\"at\":\"2023-11-14T22:13:20.005Z\","
                + "\"took\":\"3.500s\",\"extra\":{\"on\":true},\"wrapped\":0,"
                + "\"anything\":{\"@type\":\"type.googleapis.com/trunk.web.test.Point\",\"x\":9}}");
  }

  @Test
  void aMessageReadsBackEqual() throws IOException {
    assertThat(decode(JSON, encode(JSON, FULL))).isEqualTo(FULL);
    assertThat(encode(JSON, Everything.getDefaultInstance())).isEqualTo("{}");
    assertThat(decode(JSON, "{}")).isEqualTo(Everything.getDefaultInstance());
  }

  @Test
  void readingAcceptsOriginalFieldNamesNumbersForInt64AndEnumsAndWhitespace() throws IOException {
    Everything read =
        decode(JSON, " {\n \"unsigned_big\": 7, \"big\": \"-3\", \"color\": 1, \"tags\": [] } ");

    assertThat(read)
        .isEqualTo(
            Everything.newBuilder().setUnsignedBig(7).setBig(-3).setColor(Color.COLOR_RED).build());
  }

  @Test
  void anEncodedSizeIsExactlyWhatEncodeWritesEvenWithoutTheCache() throws IOException {
    int size = JSON.encodedSize(FULL);
    ByteBuffer target = ByteBuffer.allocate(size);
    JSON.encode(FULL, target);
    assertThat(target.hasRemaining()).isFalse();

    ByteBuffer again = ByteBuffer.allocate(size); // encode without encodedSize first: prints anew
    JSON.encode(FULL, again);
    assertThat(again.array()).isEqualTo(target.array());
  }

  @Test
  void anEncodeOfAnotherMessageThanTheOneMeasuredPrintsThatMessage() throws IOException {
    Everything other = Everything.newBuilder().setName("x").build();
    JSON.encodedSize(FULL);

    ByteBuffer target = ByteBuffer.allocate(JSON.encodedSize(other));
    JSON.encodedSize(FULL);
    JSON.encode(other, target);

    assertThat(new String(target.array(), UTF_8)).isEqualTo("{\"name\":\"x\"}");
  }

  @Test
  void malformedJsonIsRefusedWithThePosition() {
    assertThatThrownBy(() -> decode(JSON, "{\"name\": \"x\",,}"))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("invalid JSON for trunk.web.test.Everything: ")
        .hasMessageContaining("column");
  }

  @Test
  void anUnknownFieldIsRefusedNamingIt() {
    assertThatThrownBy(() -> decode(JSON, "{\"name\":\"x\",\"colour\":\"red\"}"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("colour");
  }

  @Test
  void anUnknownFieldIsSkippedWhenAskedTo() throws IOException {
    assertThat(decode(LENIENT, "{\"name\":\"x\",\"colour\":\"red\",\"more\":{\"a\":[1]}}"))
        .isEqualTo(Everything.newBuilder().setName("x").build());
  }

  @Test
  void aValueOfTheWrongTypeIsRefusedNamingTheValue() {
    assertThatThrownBy(() -> decode(JSON, "{\"point\": 5}"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("message object but got: 5");
    assertThatThrownBy(() -> decode(JSON, "{\"big\": \"lots\"}"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("lots");
  }

  @Test
  void bytesThatAreNotUtf8OrNotAnObjectAreRefused() {
    assertThatThrownBy(() -> JSON.decode(ByteBuffer.wrap(new byte[] {'{', (byte) 0xff, '}'})))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not UTF-8");
    assertThatThrownBy(() -> decode(JSON, "[]")).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> decode(JSON, "")).isInstanceOf(IOException.class);
  }

  @Test
  void deeplyNestedJsonIsRefusedWithoutOverflowingTheStack() {
    String deep = "{\"extra\":" + "[".repeat(100_000);

    assertThatThrownBy(() -> decode(JSON, deep))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("nested deeper than 200");
  }

  @Test
  void moderatelyNestedJsonWithBracketsInStringsIsRead() throws IOException {
    String nested = "{\"a\":".repeat(30) + "\"[[{\\\"\"" + "}".repeat(30);

    Everything read = decode(JSON, "{\"extra\":" + nested + "}");

    assertThat(read.getExtra().getFieldsOrThrow("a").hasStructValue()).isTrue();
  }

  private static String encode(Codec<Everything> codec, Everything message) throws IOException {
    ByteBuffer target = ByteBuffer.allocate(codec.encodedSize(message));
    codec.encode(message, target);
    return new String(target.array(), UTF_8);
  }

  private static Everything decode(Codec<Everything> codec, String json) throws IOException {
    return codec.decode(ByteBuffer.wrap(json.getBytes(UTF_8)));
  }
}
