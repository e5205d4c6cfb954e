package dev.trunk.internal.web;

import com.google.protobuf.ByteString;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The query of a Connect unary GET request (connectrpc.com/docs/protocol, "Unary-Get-Request"):
 * {@code connect=v1&base64=1&compression=gzip&encoding=proto&message=...}.
 *
 * <p>Reading accepts the parameters in any order, ignores unknown ones and requires {@code
 * encoding} and {@code message}. Names and values are percent-decoded, with {@code +} read as a
 * space (form encoding, as URL query parsers do). With {@code base64=1} the message is base64 in
 * the URL-safe alphabet (the standard one is accepted too), padded or not; any other {@code base64}
 * value is ignored, as the spec says. {@code connect}, when present, must be {@code v1}.
 *
 * @param message the request message as the codec encoded it, possibly compressed
 * @param codec the {@code encoding} parameter: the codec's name, e.g. {@code proto} or {@code json}
 * @param compression the {@code compression} parameter, or null if absent
 */
public record ConnectGet(ByteString message, String codec, @Nullable String compression) {
  /** The only value of the {@code connect} parameter this version of the protocol defines. */
  static final String VERSION = "v1";

  /** The {@code base64} value that marks a base64 message; others are ignored (the spec). */
  private static final String BASE64_ON = "1";

  private static final String PROTO = "proto";
  private static final Set<String> CONNECT_PARAMETERS =
      Set.of("connect", "base64", "compression", "encoding", "message");
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  /**
   * Reads a raw (still percent-encoded) query string, without the {@code ?}.
   *
   * @throws IllegalArgumentException naming the parameter that is missing, repeated, wrongly
   *     percent-encoded or not base64, or a {@code connect} version other than v1
   */
  public static ConnectGet parse(String rawQuery) {
    Map<String, byte[]> parameters = connectParameters(rawQuery);
    byte[] encoding = require(parameters, "encoding");
    byte[] message = require(parameters, "message");
    byte[] version = parameters.get("connect");
    if (version != null && !ascii(version).equals(VERSION)) {
      throw new IllegalArgumentException(
          "query parameter 'connect' is '" + ascii(version) + "'; this server speaks only v1");
    }
    byte[] base64 = parameters.get("base64");
    if (base64 != null && ascii(base64).equals(BASE64_ON)) {
      message = LenientBase64.decode(ascii(message), "query parameter 'message' (base64=1)");
    }
    byte[] compression = parameters.get("compression");
    return new ConnectGet(
        ByteString.copyFrom(message),
        utf8(encoding, "encoding"),
        compression == null ? null : utf8(compression, "compression"));
  }

  /**
   * The query for a GET request, in the order the spec recommends for cache hits. The message is
   * base64 (URL-safe, unpadded) when it is compressed, when the codec is {@code proto} or when it
   * is not UTF-8 text (the spec: binary data must be base64); otherwise percent-encoded text.
   */
  public static String query(byte[] message, String codec, @Nullable String compression) {
    boolean compressed = compression != null && !compression.equals("identity");
    boolean base64 = compressed || codec.equals(PROTO) || !isUtf8(message);
    StringBuilder query = new StringBuilder("connect=").append(VERSION);
    if (base64) {
      query.append("&base64=").append(BASE64_ON);
    }
    if (compression != null) {
      query.append("&compression=");
      percentEncode(compression.getBytes(StandardCharsets.UTF_8), query);
    }
    query.append("&encoding=");
    percentEncode(codec.getBytes(StandardCharsets.UTF_8), query);
    query.append("&message=");
    if (base64) {
      query.append(Base64.getUrlEncoder().withoutPadding().encodeToString(message));
    } else {
      percentEncode(message, query);
    }
    return query.toString();
  }

  @Override
  public String toString() {
    return "ConnectGet(" + message.size() + " bytes, " + codec + ", " + compression + ")";
  }

  // ---- reading ------------------------------------------------------------------------------

  /** The Connect parameters of the query, percent-decoded, each at most once. */
  private static Map<String, byte[]> connectParameters(String rawQuery) {
    Map<String, byte[]> parameters = new HashMap<>();
    for (String pair : rawQuery.split("&", -1)) {
      int equals = pair.indexOf('=');
      String rawName = equals < 0 ? pair : pair.substring(0, equals);
      String name = new String(percentDecode(rawName, "name"), StandardCharsets.UTF_8);
      if (!CONNECT_PARAMETERS.contains(name)) {
        continue;
      }
      byte[] value = equals < 0 ? new byte[0] : percentDecode(pair.substring(equals + 1), name);
      if (parameters.put(name, value) != null) {
        throw new IllegalArgumentException("query parameter '" + name + "' appears twice");
      }
    }
    return parameters;
  }

  private static byte[] require(Map<String, byte[]> parameters, String name) {
    byte[] value = parameters.get(name);
    if (value == null) {
      throw new IllegalArgumentException(
          "query parameter '"
              + name
              + "' is missing; a Connect GET needs 'encoding' and 'message'");
    }
    return value;
  }

  /** RFC 3986 percent-decoding of one name or value, with '+' as a space. */
  private static byte[] percentDecode(String text, String parameter) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '%') {
        int high = i + 2 < text.length() ? hexDigit(text.charAt(i + 1)) : -1;
        int low = high < 0 ? -1 : hexDigit(text.charAt(i + 2));
        if (low < 0) {
          throw new IllegalArgumentException(
              "query parameter '"
                  + parameter
                  + "' has a '%' at "
                  + i
                  + " not followed by two hex digits");
        }
        out.write(high << 4 | low);
        i += 2;
      } else if (c == '+') {
        out.write(' ');
      } else {
        byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        out.write(bytes, 0, bytes.length);
      }
    }
    return out.toByteArray();
  }

  private static int hexDigit(char c) {
    return c < 0x80 ? Character.digit(c, 16) : -1;
  }

  private static String ascii(byte[] value) {
    return new String(value, StandardCharsets.ISO_8859_1);
  }

  private static String utf8(byte[] value, String parameter) {
    try {
      return strictUtf8(value);
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("query parameter '" + parameter + "' is not UTF-8", e);
    }
  }

  private static String strictUtf8(byte[] value) throws CharacterCodingException {
    return StandardCharsets.UTF_8
        .newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(value))
        .toString();
  }

  // ---- writing ------------------------------------------------------------------------------

  private static boolean isUtf8(byte[] message) {
    try {
      strictUtf8(message);
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  /** Percent-encodes every byte but RFC 3986's unreserved characters. */
  private static void percentEncode(byte[] bytes, StringBuilder out) {
    for (byte b : bytes) {
      char c = (char) (b & 0xff);
      if ((c >= 'A' && c <= 'Z')
          || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '.'
          || c == '_'
          || c == '~') {
        out.append(c);
      } else {
        out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
  }
}
