package dev.trunk.internal.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.trunk.Codec;
import dev.trunk.internal.web.JsonTestProto.Everything;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Fuzzes {@link JsonCodec}, which reads JSON request and response bodies. Seeds: {@code
 * JsonCodecFuzzTestInputs}.
 */
class JsonCodecFuzzTest {
  private static final Codec<Everything> PROTO = Codec.protobuf(Everything.getDefaultInstance());
  private static final Codec<Everything> STRICT =
      JsonCodec.of(PROTO, Everything.getDescriptor(), false);
  private static final Codec<Everything> LENIENT =
      JsonCodec.of(PROTO, Everything.getDescriptor(), true);

  /**
   * Any bytes, read strictly or ignoring unknown fields, give a message that writes to JSON of its
   * measured size and reads back equal, or an IOException naming the message type; never another
   * exception.
   */
  @FuzzTest
  void anyBytesGiveAMessageThatRoundTripsOrAreRefused(FuzzedDataProvider data) throws IOException {
    Codec<Everything> json = data.consumeBoolean() ? LENIENT : STRICT;
    byte[] body = data.consumeRemainingAsBytes();
    Everything message;
    try {
      message = json.decode(ByteBuffer.wrap(body));
    } catch (IOException e) {
      assertThat(e).hasMessageStartingWith("invalid JSON for trunk.web.test.Everything: ");
      return;
    }
    ByteBuffer written = ByteBuffer.allocate(json.encodedSize(message));
    json.encode(message, written);
    assertThat(written.hasRemaining()).isFalse();
    assertThat(json.decode(written.flip())).isEqualTo(message);
  }
}
