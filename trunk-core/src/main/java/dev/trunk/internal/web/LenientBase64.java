package dev.trunk.internal.web;

import java.util.Base64;

/**
 * Decodes base64 the way Connect asks a reader to accept it: the standard or the URL-safe alphabet
 * (RFC 4648 sections 4 and 5), padded or not (connectrpc.com/docs/protocol: error detail values,
 * binary metadata, the GET {@code message} with {@code base64=1}).
 */
final class LenientBase64 {
  private static final Base64.Encoder STANDARD_UNPADDED = Base64.getEncoder().withoutPadding();

  private LenientBase64() {}

  /** Standard base64 without padding, as Connect writes detail values and binary metadata. */
  static String encode(byte[] bytes) {
    return STANDARD_UNPADDED.encodeToString(bytes);
  }

  /**
   * Decodes {@code text}, in either alphabet, with or without trailing padding.
   *
   * @throws IllegalArgumentException naming {@code what} if it is not base64
   */
  static byte[] decode(String text, String what) {
    String unpadded = stripPadding(text.replace('-', '+').replace('_', '/'));
    int remainder = unpadded.length() % 4;
    if (remainder == 1) {
      throw new IllegalArgumentException(
          what
              + " is not base64: "
              + unpadded.length()
              + " characters without padding cannot encode whole bytes");
    }
    String padded = remainder == 0 ? unpadded : unpadded + "==".substring(remainder - 2);
    try {
      return Base64.getDecoder().decode(padded);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + " is not base64: " + e.getMessage(), e);
    }
  }

  private static String stripPadding(String text) {
    int end = text.length();
    while (end > 0 && text.charAt(end - 1) == '=') {
      end--;
    }
    return text.length() - end > 2 ? text : text.substring(0, end);
  }
}
