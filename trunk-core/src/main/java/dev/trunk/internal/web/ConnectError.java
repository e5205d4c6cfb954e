package dev.trunk.internal.web;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import dev.trunk.Metadata;
import dev.trunk.Status;
import dev.trunk.internal.ReceivedHeaders;
import dev.trunk.internal.json.Json;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Connect's JSON {@code Error} and {@code EndStreamResponse} (connectrpc.com/docs/protocol, "Error
 * and EndStreamResponse"): the body of a failed unary response and the last message of a stream.
 *
 * <p>An error is {@code {"code":"not_found","message":"...","details":[{"type":"google.rpc.X",
 * "value":"<base64>"}]}}: the message is omitted when empty, each detail's type is the fully
 * qualified message name (the {@code Any} type URL after its last '/') and its value the binary
 * message in standard base64 without padding. Readers accept padded or unpadded values in either
 * base64 alphabet, and ignore other properties (such as {@code debug}).
 */
public final class ConnectError {
  /** The type URL prefix a detail's bare type name gets back (as {@code Any.pack} writes it). */
  private static final String TYPE_URL_PREFIX = "type.googleapis.com/";

  private ConnectError() {}

  /** What a Connect stream ends with: its status and trailing metadata. */
  public record EndStream(Status status, Metadata trailers) {}

  /**
   * The JSON error for a failed status.
   *
   * @throws IllegalArgumentException if the status is OK, which is no error
   */
  public static byte[] toJson(Status status) {
    return utf8(Json.write(errorObject(status)));
  }

  /**
   * The status of a non-200 unary response (the client side). A body that is not a Connect error
   * (empty, not JSON, no string {@code code}) gives the code the HTTP status implies, per the
   * spec's "HTTP to Error Code" table, with a description naming the HTTP status. An unknown code
   * name gives UNKNOWN; a detail that is not an object with a string {@code type} and a base64
   * {@code value} is skipped.
   */
  public static Status fromJson(byte[] body, int httpStatus) {
    Status parsed = parseError(parseQuietly(body));
    if (parsed != null) {
      return parsed;
    }
    return ConnectCodes.fromHttpStatus(httpStatus)
        .toStatus()
        .withDescription("HTTP status " + httpStatus + " without a Connect error in the body");
  }

  /**
   * The end-of-stream message: {@code {"error":{...},"metadata":{"key":["v1","v2"]}}}, with the
   * error only when the status is not OK and the metadata only when there is some. Binary ({@code
   * -bin}) values are written in standard base64 without padding, as Connect sends binary headers.
   */
  public static byte[] endStreamJson(Status status, Metadata trailers) {
    Map<String, Object> message = new LinkedHashMap<>();
    if (!status.isOk()) {
      message.put("error", errorObject(status));
    }
    if (!trailers.isEmpty()) {
      message.put("metadata", metadataObject(trailers));
    }
    return utf8(Json.write(message));
  }

  /**
   * Reads an end-of-stream message (the client side). Metadata that gRPC's rules do not allow (a
   * reserved key such as {@code grpc-status}, a value that is not printable ASCII) is dropped, as
   * for received headers.
   *
   * @throws IllegalArgumentException naming the problem if it is not JSON, not an object, has an
   *     {@code error} without a string {@code code}, metadata that is not an object of string
   *     arrays, or a {@code -bin} value that is not base64
   */
  public static EndStream parseEndStream(byte[] body) {
    Object parsed;
    try {
      parsed = Json.parse(decodeUtf8(body));
    } catch (IllegalArgumentException e) {
      throw invalidEndStream(e.getMessage());
    }
    if (!(parsed instanceof Map<?, ?> message)) {
      throw invalidEndStream("it is not a JSON object");
    }
    Status status = Status.OK;
    if (message.containsKey("error")) {
      Status error = parseError(message.get("error"));
      if (error == null) {
        throw invalidEndStream("\"error\" is not an object with a string \"code\"");
      }
      status = error;
    }
    return new EndStream(status, parseMetadata(message.get("metadata")));
  }

  // ---- writing ------------------------------------------------------------------------------

  private static Map<String, Object> errorObject(Status status) {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("code", ConnectCodes.name(status.code()));
    String description = status.description();
    if (description != null && !description.isEmpty()) {
      error.put("message", wellFormed(description));
    }
    if (!status.details().isEmpty()) {
      List<Object> details = new ArrayList<>();
      for (Any detail : status.details()) {
        Map<String, Object> entry = new LinkedHashMap<>();
        String typeUrl = detail.getTypeUrl();
        entry.put("type", typeUrl.substring(typeUrl.lastIndexOf('/') + 1));
        entry.put("value", LenientBase64.encode(detail.getValue().toByteArray()));
        details.add(entry);
      }
      error.put("details", details);
    }
    return error;
  }

  private static Map<String, Object> metadataObject(Metadata trailers) {
    Map<String, Object> metadata = new LinkedHashMap<>();
    trailers.forEach(
        (key, value) -> {
          @SuppressWarnings("unchecked") // only this lambda puts values, all List<Object>
          List<Object> values =
              (List<Object>) metadata.computeIfAbsent(key, k -> new ArrayList<Object>());
          values.add(value instanceof byte[] bytes ? LenientBase64.encode(bytes) : value);
        });
    return metadata;
  }

  /** The text with any unpaired UTF-16 surrogate replaced, since JSON text cannot carry one. */
  private static String wellFormed(String text) {
    return new String(utf8(text), StandardCharsets.UTF_8);
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  // ---- reading ------------------------------------------------------------------------------

  private static @Nullable Object parseQuietly(byte[] body) {
    try {
      return Json.parse(decodeUtf8(body));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The status of a Connect error object, or null if {@code value} is not one. */
  private static @Nullable Status parseError(@Nullable Object value) {
    if (!(value instanceof Map<?, ?> error) || !(error.get("code") instanceof String code)) {
      return null;
    }
    Status status = ConnectCodes.fromName(code).toStatus();
    if (error.get("message") instanceof String text && !text.isEmpty()) {
      status = status.withDescription(text);
    }
    List<Any> details = parseDetails(error.get("details"));
    return details.isEmpty() ? status : status.withDetails(details);
  }

  private static List<Any> parseDetails(@Nullable Object value) {
    List<Any> details = new ArrayList<>();
    if (!(value instanceof List<?> entries)) {
      return details;
    }
    for (Object entry : entries) {
      if (entry instanceof Map<?, ?> detail
          && detail.get("type") instanceof String type
          && detail.get("value") instanceof String encoded) {
        try {
          ByteString bytes = ByteString.copyFrom(LenientBase64.decode(encoded, "a detail value"));
          details.add(Any.newBuilder().setTypeUrl(TYPE_URL_PREFIX + type).setValue(bytes).build());
        } catch (IllegalArgumentException e) {
          // Skipped, as documented: a broken detail must not hide the code and message.
        }
      }
    }
    return details;
  }

  private static Metadata parseMetadata(@Nullable Object value) {
    Metadata metadata = new Metadata();
    if (value == null) {
      return metadata;
    }
    if (!(value instanceof Map<?, ?> entries)) {
      throw invalidEndStream("\"metadata\" is not an object");
    }
    for (Map.Entry<?, ?> entry : entries.entrySet()) {
      String key = (String) entry.getKey(); // Json reads object keys as strings
      if (!(entry.getValue() instanceof List<?> values)) {
        throw invalidEndStream("metadata \"" + key + "\" is not an array of strings");
      }
      for (Object text : values) {
        if (!(text instanceof String string)) {
          throw invalidEndStream("metadata \"" + key + "\" is not an array of strings");
        }
        addQuietly(metadata, key, string);
      }
    }
    return metadata;
  }

  /** Adds a received entry, dropping one that gRPC's metadata rules do not allow. */
  private static void addQuietly(Metadata metadata, String key, String value) {
    if (Metadata.isBinaryKey(key)) {
      byte[] bytes;
      try {
        bytes = LenientBase64.decode(value, "metadata \"" + key + "\"");
      } catch (IllegalArgumentException e) {
        throw invalidEndStream(e.getMessage());
      }
      try {
        metadata.addBinary(key, bytes);
      } catch (IllegalArgumentException e) {
        // A reserved or malformed key: dropped, like such a received header.
      }
      return;
    }
    try {
      ReceivedHeaders.add(metadata, key, value);
    } catch (IllegalArgumentException e) {
      // A reserved or malformed key, or a value that is not printable ASCII: dropped.
    }
  }

  private static String decodeUtf8(byte[] body) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(body))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("the body is not UTF-8 text", e);
    }
  }

  private static IllegalArgumentException invalidEndStream(@Nullable String problem) {
    return new IllegalArgumentException("invalid Connect end-of-stream message: " + problem);
  }
}
