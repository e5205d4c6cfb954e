package dev.trunk.internal.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes {@link ConnectGet}, which reads the query of a Connect GET request. Seeds: {@code
 * ConnectGetFuzzTestInputs}.
 */
class ConnectGetFuzzTest {
  private static final int MAX_NAME = 16;
  private static final int MAX_MESSAGE = 256;

  /**
   * Any message, codec and compression survive a query; any query is read or refused with an
   * IllegalArgumentException naming a query parameter.
   */
  @FuzzTest
  void anyMessageRoundTripsAndAnyQueryIsReadOrRefused(FuzzedDataProvider data) {
    String codec = data.consumeBoolean() ? "proto" : data.consumeString(MAX_NAME);
    String compression = data.consumeBoolean() ? null : data.consumeString(MAX_NAME);
    byte[] message = data.consumeBytes(MAX_MESSAGE);
    String query = ConnectGet.query(message, codec, compression);
    assertThat(query).matches("[A-Za-z0-9._~%&=-]*");

    ConnectGet read = ConnectGet.parse(query);
    assertThat(read.message().toByteArray()).isEqualTo(message);
    assertThat(read.codec()).isEqualTo(wellFormed(codec));
    assertThat(read.compression()).isEqualTo(compression == null ? null : wellFormed(compression));

    String any = data.consumeRemainingAsString();
    try {
      assertThat(ConnectGet.parse(any).codec()).isNotNull();
    } catch (IllegalArgumentException e) {
      assertThat(e).hasMessageContaining("query parameter '");
    }
  }

  private static String wellFormed(String text) {
    return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
  }
}
