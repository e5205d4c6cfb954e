package dev.trunk.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Fuzzes {@link BinaryHeaders}, the values of {@code -bin} metadata (PROTOCOL-HTTP2.md,
 * "Binary-Header": base64, sent unpadded, accepted padded or not, comma-joined when repeated).
 * Seeds: {@code BinaryHeadersFuzzTestInputs}.
 */
class BinaryHeadersFuzzTest {
  /**
   * Any values encode to unpadded base64 that decodes back, padded or not, one by one or
   * comma-joined; any header value (one char per byte, as Netty hands it over) decodes to bytes or
   * is refused with an IllegalArgumentException naming it, and what is accepted is base64.
   */
  @FuzzTest
  void anyValuesRoundTripAndAnyHeaderDecodesOrIsRefused(FuzzedDataProvider data) {
    List<byte[]> values = new ArrayList<>();
    List<String> encoded = new ArrayList<>();
    int count = data.consumeInt(1, 4);
    for (int i = 0; i < count; i++) {
      byte[] value = data.consumeBytes(data.consumeInt(0, 256));
      String text = BinaryHeaders.encode(value);
      assertThat(text)
          .matches("[A-Za-z0-9+/]*")
          .isEqualTo(Base64.getEncoder().withoutPadding().encodeToString(value));
      assertThat(BinaryHeaders.decode(text)).isEqualTo(value);
      assertThat(BinaryHeaders.decode(Base64.getEncoder().encodeToString(value))).isEqualTo(value);
      values.add(value);
      encoded.add(text);
    }
    assertThat(BinaryHeaders.decodeValues(String.join(",", encoded)))
        .containsExactlyElementsOf(values);
    assertThat(BinaryHeaders.decodeValues(String.join(", ", encoded)))
        .as("joined with optional whitespace")
        .containsExactlyElementsOf(values);

    AsciiString header = new AsciiString(data.consumeRemainingAsBytes(), false);
    List<byte[]> decoded;
    try {
      decoded = BinaryHeaders.decodeValues(header);
    } catch (IllegalArgumentException e) {
      assertThat(e).hasMessageContaining("base64");
      return;
    }
    String[] parts = header.toString().split(",", -1);
    assertThat(decoded).hasSize(parts.length);
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i].trim();
      assertThat(part).matches("[A-Za-z0-9+/]*=*");
      String unpadded = part.replace("=", "");
      assertThat(decoded.get(i)).hasSize(unpadded.length() * 3 / 4);
      assertThat(BinaryHeaders.decode(BinaryHeaders.encode(decoded.get(i))))
          .isEqualTo(decoded.get(i));
    }
  }
}
