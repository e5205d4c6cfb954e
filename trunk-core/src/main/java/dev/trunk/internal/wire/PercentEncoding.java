package dev.trunk.internal.wire;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The percent-encoding of {@code grpc-message} (PROTOCOL-HTTP2.md): UTF-8 bytes outside the
 * printable ASCII range 0x20–0x7E, and '%' itself, are written as {@code %XX}; so is a space at
 * either end, since an HTTP/2 field value must not start or end with whitespace (RFC 9113 section
 * 8.2.1) and a peer would reject the trailers. Decoding never fails: a malformed escape is kept as
 * it is, since the status must still reach the user.
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
    for (int i = 0; i < bytes.length; i++) {
      int unsigned = bytes[i] & 0xFF;
      boolean atEnd = i == 0 || i == bytes.length - 1;
      if (isPlain(unsigned) && !(atEnd && unsigned == ' ')) {
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
        int high = hexValue(encoded.charAt(i + 1));
        int low = hexValue(encoded.charAt(i + 2));
        if (high >= 0 && low >= 0) {
          out.write(high << 4 | low);
          i += 2;
          continue;
        }
      }
      int codePoint = Character.codePointAt(encoded, i);
      writeCodePoint(out, codePoint);
      i += Character.charCount(codePoint) - 1;
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** The value of an ASCII hex digit (the only digits of a percent escape), else -1. */
  private static int hexValue(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
  }

  /** Writes an unescaped character as UTF-8, a whole surrogate pair at once. */
  private static void writeCodePoint(ByteArrayOutputStream out, int codePoint) {
    if (codePoint < 0x80) {
      out.write(codePoint);
      return;
    }
    byte[] bytes = Character.toString(codePoint).getBytes(StandardCharsets.UTF_8);
    out.write(bytes, 0, bytes.length);
  }

  private static boolean needsEncoding(String text) {
    if (text.startsWith(" ") || text.endsWith(" ")) {
      return true;
    }
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
