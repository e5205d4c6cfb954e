package dev.trunk.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.util.AsciiString;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes {@link PercentEncoding}, the encoding of {@code grpc-message} (PROTOCOL-HTTP2.md: "a
 * percent-encoded UTF-8 string ... When decoding invalid values, implementations MUST NOT error or
 * throw away the message"). Seeds: {@code PercentEncodingFuzzTestInputs}.
 */
class PercentEncodingFuzzTest {
  /**
   * Any text encodes to printable ASCII whose only '%' start escapes and that neither starts nor
   * ends with a space (RFC 9113 section 8.2.1), and decodes back to itself; any header value, as
   * Netty hands it over (one char per byte) or as any Java text, decodes without failing to exactly
   * what a plain reading of the rules gives: each "%XX" of two ASCII hex digits is a byte,
   * everything else stands for itself.
   */
  @FuzzTest
  void anyTextRoundTripsAndAnyValueDecodesByTheRules(FuzzedDataProvider data) {
    String text = data.consumeString(512);
    String encoded = PercentEncoding.encode(text);
    assertThat(isPercentEncoded(encoded)).as("percent-encoded: %s", encoded).isTrue();
    assertThat(encoded).as("an HTTP/2 field value").doesNotStartWith(" ").doesNotEndWith(" ");
    assertThat(PercentEncoding.decode(encoded)).isEqualTo(utf8RoundTrip(text));

    AsciiString wireValue = new AsciiString(data.consumeBytes(512), false);
    assertThat(PercentEncoding.decode(wireValue)).isEqualTo(decodeByTheRules(wireValue));
    String anyValue = data.consumeRemainingAsString();
    assertThat(PercentEncoding.decode(anyValue)).isEqualTo(decodeByTheRules(anyValue));
  }

  /** What {@code text} becomes through UTF-8: itself, with unpaired surrogates replaced by '?'. */
  private static String utf8RoundTrip(String text) {
    return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
  }

  private static String decodeByTheRules(CharSequence value) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int i = 0;
    while (i < value.length()) {
      if (value.charAt(i) == '%'
          && i + 2 < value.length()
          && isHex(value.charAt(i + 1))
          && isHex(value.charAt(i + 2))) {
        bytes.write(Integer.parseInt(value.subSequence(i + 1, i + 3).toString(), 16));
        i += 3;
        continue;
      }
      int codePoint = Character.codePointAt(value, i);
      bytes.writeBytes(Character.toString(codePoint).getBytes(StandardCharsets.UTF_8));
      i += Character.charCount(codePoint);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  /** PROTOCOL-HTTP2.md: 0x20-0x7E except '%' as they are, anything else as "%" and 2 HEXDIG. */
  private static boolean isPercentEncoded(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '%') {
        if (i + 2 >= text.length()
            || !isUpperHex(text.charAt(i + 1))
            || !isUpperHex(text.charAt(i + 2))) {
          return false;
        }
        i += 2;
      } else if (c < 0x20 || c > 0x7E) {
        return false;
      }
    }
    return true;
  }

  private static boolean isUpperHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}
