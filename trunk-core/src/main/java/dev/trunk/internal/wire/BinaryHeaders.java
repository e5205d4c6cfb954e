package dev.trunk.internal.wire;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Values of {@code -bin} metadata keys (PROTOCOL-HTTP2.md, "Binary-Header"): base64, sent without
 * padding, accepted with or without it; several values may share one header, comma-separated.
 */
public final class BinaryHeaders {
  private static final Base64.Encoder ENCODER = Base64.getEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getDecoder();

  private BinaryHeaders() {}

  public static String encode(byte[] value) {
    return ENCODER.encodeToString(value);
  }

  /**
   * Decodes one base64 value, padded or not.
   *
   * @throws IllegalArgumentException if it is not base64
   */
  public static byte[] decode(CharSequence value) {
    String text = value.toString().trim();
    int remainder = text.length() % 4;
    if (remainder == 1) {
      throw new IllegalArgumentException("'" + text + "' is not valid base64 (bad length)");
    }
    String padded = remainder == 0 ? text : text + "==".substring(0, 4 - remainder);
    try {
      return DECODER.decode(padded);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + text + "' is not valid base64: " + e.getMessage());
    }
  }

  /** Decodes a header that may hold several comma-separated values. */
  public static List<byte[]> decodeValues(CharSequence header) {
    List<byte[]> values = new ArrayList<>(1);
    String text = header.toString();
    int start = 0;
    while (start <= text.length()) {
      int comma = text.indexOf(',', start);
      int end = comma < 0 ? text.length() : comma;
      values.add(decode(text.substring(start, end)));
      if (comma < 0) {
        break;
      }
      start = comma + 1;
    }
    return values;
  }
}
