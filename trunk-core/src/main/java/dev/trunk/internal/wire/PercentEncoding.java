package dev.trunk.internal.wire;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The percent-encoding of {@code grpc-message} (PROTOCOL-HTTP2.md): UTF-8 bytes outside the
 * printable ASCII range 0x20–0x7E, and '%' itself, are written as {@code %XX}. Decoding never
 * fails: a malformed escape is kept as it is, since the status must still reach the user.
 */
public final class PercentEncoding {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private PercentEncoding() {}

  public static String encode(String text) {
    if (!needsEncoding(text)) {
      return text;
    }
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder(bytes.length + 16);
    for (byte b : bytes) {
      int unsigned = b & 0xFF;
      if (isPlain(unsigned)) {
        out.append((char) unsigned);
      } else {
        out.append('%').append(HEX[unsigned >> 4]).append(HEX[unsigned & 0xF]);
      }
    }
    return out.toString();
  }

  public static String decode(CharSequence encoded) {
    int length = encoded.length();
    ByteArrayOutputStream out = new ByteArrayOutputStream(length);
    for (int i = 0; i < length; i++) {
      char c = encoded.charAt(i);
      if (c == '%' && i + 2 < length) {
        int high = Character.digit(encoded.charAt(i + 1), 16);
        int low = Character.digit(encoded.charAt(i + 2), 16);
        if (high >= 0 && low >= 0) {
          out.write(high << 4 | low);
          i += 2;
          continue;
        }
      }
      writeChar(out, c);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static void writeChar(ByteArrayOutputStream out, char c) {
    if (c < 0x80) {
      out.write(c);
      return;
    }
    byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
    out.write(bytes, 0, bytes.length);
  }

  private static boolean needsEncoding(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (!isPlain(text.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  private static boolean isPlain(int c) {
    return c >= 0x20 && c <= 0x7E && c != '%';
  }
}
