package dev.trunk.internal.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import dev.trunk.Metadata;
import dev.trunk.Status;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzzes {@link ConnectError}, which reads the error bodies and end-of-stream messages a Connect
 * server sends. Seeds: {@code ConnectErrorFuzzTestInputs}.
 */
class ConnectErrorFuzzTest {
  private static final int MAX_DETAILS = 3;
  private static final int MAX_TEXT = 64;
  private static final int MAX_ENTRIES = 4;

  /**
   * Any failed status with well-formed text and details survives an error body and an end-of-stream
   * message; any body gives a status without failing.
   */
  @FuzzTest
  void anyStatusRoundTripsAndAnyErrorBodyGivesAStatus(FuzzedDataProvider data) {
    Status sent = status(data);
    assertThat(ConnectError.fromJson(ConnectError.toJson(sent), data.consumeInt(0, 999)))
        .isEqualTo(sent);
    assertThat(
            ConnectError.parseEndStream(ConnectError.endStreamJson(sent, new Metadata())).status())
        .isEqualTo(sent);

    int httpStatus = data.consumeInt(0, 999);
    Status read = ConnectError.fromJson(data.consumeRemainingAsBytes(), httpStatus);
    assertThat(read).isNotNull();
    assertThat(read.isOk()).isFalse();
  }

  /**
   * Any trailers survive an end-of-stream message in order; any bytes are read as one or refused
   * with an IllegalArgumentException naming the end-of-stream message.
   */
  @FuzzTest
  void anyTrailersRoundTripAndAnyEndStreamIsReadOrRefused(FuzzedDataProvider data) {
    Metadata trailers = new Metadata();
    int entries = data.consumeInt(0, MAX_ENTRIES);
    for (int i = 0; i < entries; i++) {
      String key = "k" + data.consumeInt(0, 2);
      if (data.consumeBoolean()) {
        trailers.addBinary(key + "-bin", data.consumeBytes(MAX_TEXT));
      } else {
        trailers.add(key, printable(data.consumeAsciiString(MAX_TEXT)));
      }
    }
    ConnectError.EndStream read =
        ConnectError.parseEndStream(ConnectError.endStreamJson(Status.OK, trailers));
    assertThat(read.status()).isEqualTo(Status.OK);
    assertThat(read.trailers().toString()).isEqualTo(grouped(trailers).toString());

    byte[] body = data.consumeRemainingAsBytes();
    try {
      ConnectError.EndStream any = ConnectError.parseEndStream(body);
      assertThat(any.status()).isNotNull();
    } catch (IllegalArgumentException e) {
      assertThat(e).hasMessageStartingWith("invalid Connect end-of-stream message: ");
    }
  }

  private static Status status(FuzzedDataProvider data) {
    Status.Code code = Status.Code.of(data.consumeInt(1, 16));
    String text = wellFormed(data.consumeString(MAX_TEXT));
    List<Any> details = new ArrayList<>();
    int count = data.consumeInt(0, MAX_DETAILS);
    for (int i = 0; i < count; i++) {
      String type = wellFormed(data.consumeString(MAX_TEXT)).replace("/", "");
      details.add(
          Any.newBuilder()
              .setTypeUrl("type.googleapis.com/" + type)
              .setValue(ByteString.copyFrom(data.consumeBytes(MAX_TEXT)))
              .build());
    }
    return code.toStatus().withDescription(text.isEmpty() ? null : text).withDetails(details);
  }

  /** The entries of {@code trailers} grouped by key, as a JSON object groups them. */
  private static Metadata grouped(Metadata trailers) {
    Metadata grouped = new Metadata();
    for (String key : trailers.keys()) {
      if (Metadata.isBinaryKey(key)) {
        trailers.getAllBinary(key).forEach(value -> grouped.addBinary(key, value));
      } else {
        trailers.getAll(key).forEach(value -> grouped.add(key, value));
      }
    }
    return grouped;
  }

  /** Printable ASCII without leading or trailing spaces, as metadata values must be. */
  private static String printable(String text) {
    return text.replaceAll("[^\\x21-\\x7e]", "x");
  }

  /** Text without unpaired surrogates, which JSON cannot carry (UTF-8 replaces them). */
  private static String wellFormed(String text) {
    return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
  }
}
