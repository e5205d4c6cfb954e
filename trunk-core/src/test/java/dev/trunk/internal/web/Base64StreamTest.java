package dev.trunk.internal.web;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trunk.internal.wire.TrackingAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.io.ByteArrayOutputStream;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class Base64StreamTest {
  private final TrackingAllocator allocator = new TrackingAllocator();

  @AfterEach
  void everyBufferIsReleased() {
    allocator.assertAllReleased();
  }

  @Test
  void aBodyOfSeveralSeparatelyPaddedPiecesDecodesWhereverTwoChunksSplitIt() {
    byte[] first = {1};
    byte[] second = {2, 3};
    byte[] third = {4, 5, 6, 7};
    String body = encode(first) + encode(second) + encode(third); // "AQ==" "AgM=" "BAUGBw=="
    byte[] expected = {1, 2, 3, 4, 5, 6, 7};

    for (int split = 0; split <= body.length(); split++) {
      assertThat(decode(body.substring(0, split), body.substring(split)))
          .as("split at %d", split)
          .containsExactly(expected);
    }
  }

  @Test
  void aBodyDecodesWhereverThreeChunksSplitIt() {
    byte[] message = new byte[11];
    for (int i = 0; i < message.length; i++) {
      message[i] = (byte) (i * 37);
    }
    String body = encode(new byte[] {9}) + encode(message);

    for (int a = 0; a <= body.length(); a++) {
      for (int b = a; b <= body.length(); b++) {
        byte[] decoded = decode(body.substring(0, a), body.substring(a, b), body.substring(b));
        assertThat(decoded).as("split at %d and %d", a, b).startsWith(9).endsWith(message);
      }
    }
  }

  @Test
  void bytesComeOutAsSoonAsTheirQuantumIsComplete() {
    Base64Stream stream = new Base64Stream(allocator);

    assertThat(drain(stream.decode(ascii("AQI")))).isEmpty();
    assertThat(drain(stream.decode(ascii("DBA")))).containsExactly(1, 2, 3);
    assertThat(drain(stream.decode(ascii("==")))).containsExactly(4);
    stream.finish();
  }

  @Test
  void aCharacterOutsideTheAlphabetIsRefusedWithItsOffsetInTheBody() {
    Base64Stream stream = new Base64Stream(allocator);
    drain(stream.decode(ascii("AQID")));

    assertThatThrownBy(() -> stream.decode(ascii("BA-B")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "invalid base64 in the grpc-web-text request body at offset 6: '-', not a base64"
                + " character");
  }

  @Test
  void whitespaceAndNonAsciiBytesAreRefused() {
    assertRefused("AQ\nID", "offset 2: byte 0x0a");
    assertRefused("AQ\u00e9", "offset 2: byte 0xc3");
  }

  @Test
  void misplacedPaddingIsRefused() {
    assertRefused("=AAA", "offset 0: '=', padding after 0 character(s)");
    assertRefused("A===", "offset 1: '=', padding after 1 character(s)");
    assertRefused("AA=A", "offset 3: 'A', a second '=' must follow");
  }

  @Test
  void aBodyEndingInsideAQuantumIsRefusedAtTheEnd() {
    for (String body : new String[] {"AQ", "AQI", "AQ=", "AQIDB"}) {
      Base64Stream stream = new Base64Stream(allocator);
      drain(stream.decode(ascii(body)));

      assertThatThrownBy(stream::finish)
          .as(body)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("incomplete 4-character group");
    }
  }

  @Test
  void anEmptyBodyIsFine() {
    Base64Stream stream = new Base64Stream(allocator);

    assertThat(drain(stream.decode(allocator.buffer(0)))).isEmpty();
    stream.finish();
  }

  @Test
  void encodingGivesPaddedStandardBase64ThatDecodesBack() {
    Base64Stream stream = new Base64Stream(allocator);
    for (int length = 0; length < 8; length++) {
      byte[] data = new byte[length];
      for (int i = 0; i < length; i++) {
        data[i] = (byte) (0xf0 + i * 3);
      }
      ByteBuf in = allocator.buffer(length + 2).writeZero(2).writeBytes(data).skipBytes(2);

      String encoded = new String(drain(stream.encode(in)), US_ASCII);

      assertThat(encoded).isEqualTo(Base64.getEncoder().encodeToString(data));
      assertThat(decode(encoded)).containsExactly(data);
    }
  }

  private void assertRefused(String body, String problem) {
    Base64Stream stream = new Base64Stream(allocator);
    ByteBuf chunk = allocator.buffer().writeBytes(body.getBytes(UTF_8));

    assertThatThrownBy(() -> stream.decode(chunk))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(problem);
  }

  private byte[] decode(String... chunks) {
    Base64Stream stream = new Base64Stream(allocator);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String chunk : chunks) {
      out.writeBytes(drain(stream.decode(ascii(chunk))));
    }
    stream.finish();
    return out.toByteArray();
  }

  private ByteBuf ascii(String text) {
    return allocator.buffer(text.length()).writeBytes(text.getBytes(US_ASCII));
  }

  private static byte[] drain(ByteBuf buffer) {
    try {
      return ByteBufUtil.getBytes(buffer);
    } finally {
      buffer.release();
    }
  }

  private static String encode(byte[] data) {
    return Base64.getEncoder().encodeToString(data);
  }
}
