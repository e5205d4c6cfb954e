package dev.trunk.internal.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import dev.trunk.Metadata;
import dev.trunk.Status;
import dev.trunk.internal.wire.BinaryHeaders;
import dev.trunk.internal.wire.HttpStatusMapping;
import dev.trunk.internal.wire.PercentEncoding;
import dev.trunk.internal.wire.StatusDetails;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Fuzzes the header decoders of {@link GrpcHeaders}: the status in trailers (grpc-status,
 * grpc-message, grpc-status-details-bin), the response check (:status, content-type;
 * http-grpc-status-mapping.md) and custom metadata (PROTOCOL-HTTP2.md, "Custom-Metadata"). What
 * Trunk writes goes through Netty's HPACK encoder and decoder, as on the wire. Seeds: {@code
 * GrpcHeadersFuzzTestInputs}.
 */
class GrpcHeadersFuzzTest {
  private static final int HEADER_LIST_LIMIT = 1 << 20;
  private static final String[] NAME_PREFIXES = {"", "x-", ":", "grpc-", "content-type", "te"};
  // Starts of :status and content-type values, so the fuzzer also reaches accepted responses.
  private static final String[] STATUS_PREFIXES = {"", "200", "404", "503"};
  private static final String[] CONTENT_TYPE_PREFIXES = {
    "", "application/grpc", "application/grpc+proto", "Application/GRPC;", "application/json"
  };

  /**
   * Any status survives trailers; any trailers give a status without failing, whose code is the
   * grpc-status value when it is ASCII digits naming a code, UNKNOWN otherwise (never OK for a
   * malformed value); any response headers are judged without failing, and a response that is not
   * HTTP 200 is never OK.
   */
  @FuzzTest
  void anyStatusSurvivesTrailersAndAnyTrailersGiveAStatus(FuzzedDataProvider data) {
    Status sent = fuzzedStatus(data);
    Http2Headers written = GrpcHeaders.newHeaders();
    GrpcHeaders.addStatus(written, sent);
    assertThat(GrpcHeaders.statusOf(throughHpack(written))).isEqualTo(asReceived(sent));

    Http2Headers trailers = GrpcHeaders.newHeaders();
    AsciiString code = optionalValue(data, trailers, GrpcHeaders.GRPC_STATUS);
    AsciiString message = optionalValue(data, trailers, GrpcHeaders.GRPC_MESSAGE);
    AsciiString details = optionalValue(data, trailers, GrpcHeaders.GRPC_STATUS_DETAILS);
    Status status = GrpcHeaders.statusOf(trailers);
    if (code == null) {
      assertThat(status).isNull();
    } else {
      assertThat(status).isEqualTo(expectedStatus(code, message, details));
    }

    AsciiString httpStatus =
        optionalValue(data, trailers, AsciiString.of(":status"), STATUS_PREFIXES);
    AsciiString contentType =
        optionalValue(data, trailers, GrpcHeaders.CONTENT_TYPE, CONTENT_TYPE_PREFIXES);
    Status refused = GrpcHeaders.checkResponse(trailers, "proto");
    String subtype = GrpcHeaders.contentSubtype(contentType);
    boolean fine =
        "200".equals(String.valueOf(httpStatus))
            && subtype != null
            && (subtype.isEmpty() || subtype.equals("proto"));
    assertThat(refused == null).as("response accepted").isEqualTo(fine);
    if (refused != null) {
      assertThat(refused.isOk()).isFalse();
    }
    // http-grpc-status-mapping.md: the HTTP status decides only without a non-OK grpc-status.
    if (httpStatus != null
        && httpStatus.toString().matches("[0-9]{3}")
        && !fine
        && !httpStatus.contentEquals("200")
        && (status == null || status.isOk())) {
      assertThat(refused.code())
          .isEqualTo(
              HttpStatusMapping.grpcCodeForHttpStatus(Integer.parseInt(httpStatus.toString())));
    }
  }

  /**
   * Any metadata survives headers; any headers give metadata without pseudo-headers, reserved
   * grpc-* headers, content-type or te, or an IllegalArgumentException naming a -bin header that is
   * not base64.
   */
  @FuzzTest
  void anyMetadataSurvivesHeadersAndAnyHeadersGiveOnlyCustomMetadata(FuzzedDataProvider data) {
    Metadata sent = fuzzedMetadata(data);
    Http2Headers written = GrpcHeaders.newHeaders();
    GrpcHeaders.addMetadata(written, sent);
    assertThat(entries(GrpcHeaders.toMetadata(throughHpack(written)))).isEqualTo(entries(sent));

    Http2Headers headers = GrpcHeaders.newHeaders();
    String badBinaryHeader = null;
    int count = data.consumeInt(0, 8);
    for (int i = 0; i < count; i++) {
      String name =
          (data.pickValue(NAME_PREFIXES) + data.consumeAsciiString(12)).toLowerCase(Locale.ROOT)
              + (data.consumeBoolean() ? Metadata.BINARY_SUFFIX : "");
      AsciiString value =
          data.consumeBoolean()
              ? AsciiString.of(fuzzedBase64(data))
              : new AsciiString(data.consumeBytes(data.consumeInt(0, 64)), false);
      headers.add(AsciiString.of(name), value);
      if (badBinaryHeader == null
          && isCustom(name)
          && Metadata.isBinaryKey(name)
          && !isBase64List(value)) {
        badBinaryHeader = name;
      }
    }
    if (badBinaryHeader != null) {
      assertThatThrownBy(() -> GrpcHeaders.toMetadata(headers))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("header " + badBinaryHeader);
      return;
    }
    Metadata received = GrpcHeaders.toMetadata(headers);
    for (String key : received.keys()) {
      assertThat(key).matches("[0-9a-z_.-]+").doesNotStartWith("grpc-");
      assertThat(key).isNotIn("content-type", "te");
      if (!Metadata.isBinaryKey(key)) {
        assertThat(received.getAll(key)).allSatisfy(v -> assertThat(v).matches("[\\x20-\\x7e]*"));
      }
    }
  }

  private static Status fuzzedStatus(FuzzedDataProvider data) {
    Status status =
        Status.Code.of(data.consumeInt(0, 16)).toStatus().withDescription(data.consumeString(128));
    int count = data.consumeInt(0, 2);
    List<Any> details = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      details.add(
          Any.newBuilder()
              .setTypeUrl(data.consumeAsciiString(32))
              .setValue(ByteString.copyFrom(data.consumeBytes(64)))
              .build());
    }
    return details.isEmpty() ? status : status.withDetails(details);
  }

  /** What a status looks like after the wire: no empty description, text through UTF-8. */
  private static Status asReceived(Status sent) {
    String description = sent.description();
    if (description == null || description.isEmpty()) {
      return sent.withDescription(null);
    }
    return sent.withDescription(
        new String(description.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
  }

  private static Status expectedStatus(
      AsciiString code, @Nullable AsciiString message, @Nullable AsciiString details) {
    if (!code.toString().matches("[0-9]+")) {
      return Status.UNKNOWN.withDescription("malformed grpc-status '" + code + "'");
    }
    BigInteger value = new BigInteger(code.toString());
    Status status =
        Status.Code.of(value.min(BigInteger.valueOf(Integer.MAX_VALUE)).intValueExact()).toStatus();
    if (message != null) {
      status = status.withDescription(PercentEncoding.decode(message));
    }
    if (details != null) {
      try {
        status = StatusDetails.decode(BinaryHeaders.decode(details), status);
      } catch (IllegalArgumentException ignored) {
        // Details that do not decode are dropped; the status stays.
      }
    }
    return status;
  }

  private static Metadata fuzzedMetadata(FuzzedDataProvider data) {
    Metadata metadata = new Metadata();
    int count = data.consumeInt(0, 6);
    for (int i = 0; i < count; i++) {
      String key = data.consumeAsciiString(16);
      try {
        if (data.consumeBoolean()) {
          metadata.addBinary(key + Metadata.BINARY_SUFFIX, data.consumeBytes(64));
        } else {
          metadata.add(key, data.consumeAsciiString(64));
        }
      } catch (IllegalArgumentException notAllowed) {
        // Metadata refuses it, so it is never sent.
      }
    }
    return metadata;
  }

  /** Base64 text, sometimes padded, sometimes comma-joined, sometimes spoiled. */
  private static String fuzzedBase64(FuzzedDataProvider data) {
    String text = Base64.getEncoder().encodeToString(data.consumeBytes(data.consumeInt(0, 32)));
    if (data.consumeBoolean()) {
      text = text.replace("=", "");
    }
    if (data.consumeBoolean()) {
      text = text + "," + data.consumeAsciiString(8);
    }
    return text;
  }

  private static boolean isCustom(String name) {
    return !name.isEmpty()
        && !name.startsWith(":")
        && !name.startsWith("grpc-")
        && !name.equals("content-type")
        && !name.equals("te");
  }

  private static boolean isBase64List(CharSequence value) {
    for (String part : value.toString().split(",", -1)) {
      String text = part.trim();
      if (text.length() % 4 == 1 || !text.matches("[A-Za-z0-9+/]*={0,2}")) {
        return false;
      }
      String padded = text + "==".substring(0, (4 - text.length() % 4) % 4);
      try {
        Base64.getDecoder().decode(padded);
      } catch (IllegalArgumentException e) {
        return false;
      }
    }
    return true;
  }

  /** Adds a fuzzer-made value (raw bytes, one char each, as Netty hands them over) or nothing. */
  private static @Nullable AsciiString optionalValue(
      FuzzedDataProvider data, Http2Headers headers, AsciiString name) {
    return optionalValue(data, headers, name, new String[] {""});
  }

  /** The same, starting with one of {@code prefixes}. */
  private static @Nullable AsciiString optionalValue(
      FuzzedDataProvider data, Http2Headers headers, AsciiString name, String[] prefixes) {
    if (!data.consumeBoolean()) {
      return null;
    }
    AsciiString value =
        AsciiString.of(data.pickValue(prefixes))
            .concat(new AsciiString(data.consumeBytes(data.consumeInt(0, 64)), false));
    headers.set(name, value);
    return value;
  }

  /** Encodes with HPACK and decodes with validation on, as a Trunk peer does. */
  private static Http2Headers throughHpack(Http2Headers headers) {
    ByteBuf block = Unpooled.buffer();
    try {
      new DefaultHttp2HeadersEncoder().encodeHeaders(1, headers, block);
      return new DefaultHttp2HeadersDecoder(true, HEADER_LIST_LIMIT).decodeHeaders(1, block);
    } catch (Http2Exception e) {
      throw new AssertionError("HPACK refused what Trunk wrote: " + headers, e);
    } finally {
      block.release();
    }
  }

  private static List<String> entries(Metadata metadata) {
    List<String> entries = new ArrayList<>();
    metadata.forEach(
        (key, value) ->
            entries.add(
                key
                    + "="
                    + (value instanceof byte[] bytes
                        ? Base64.getEncoder().encodeToString(bytes)
                        : value)));
    return entries;
  }
}
