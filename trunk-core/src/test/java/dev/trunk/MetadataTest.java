package dev.trunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Custom metadata keys and values follow PROTOCOL-HTTP2.md; gRPC's own keys are refused. */
class MetadataTest {
  @ParameterizedTest
  @ValueSource(strings = {"grpc-status", "grpc-timeout", "Grpc-Message", "grpc-custom"})
  void reservedGrpcKeysAreRefused(String key) {
    assertThatThrownBy(() -> new Metadata().add(key, "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("reserved for gRPC");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "has space", "colon:", "ünïcode", ":path"})
  void malformedKeysAreRefused(String key) {
    assertThatThrownBy(() -> new Metadata().add(key, "x"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"te", "Content-Type", "connection", "keep-alive", "transfer-encoding"})
  void keysTheTransportOwnsAreRefused(String key) {
    assertThatThrownBy(() -> new Metadata().add(key, "trailers"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(key);
  }

  @ParameterizedTest
  @ValueSource(strings = {" leading", "trailing ", " "})
  void textValuesMustNotStartOrEndWithASpace(String value) {
    assertThatThrownBy(() -> new Metadata().add("x-note", value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("RFC 9113");
    assertThat(new Metadata().add("x-note", "in between").get("x-note")).isEqualTo("in between");
  }

  @Test
  void textValuesMustBePrintableAscii() {
    assertThatThrownBy(() -> new Metadata().add("x-note", "line\nbreak"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void binaryValuesNeedTheBinSuffixAndTextValuesMustNotHaveIt() {
    assertThatThrownBy(() -> new Metadata().add("x-data-bin", "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Metadata().addBinary("x-data", new byte[] {1}))
        .isInstanceOf(IllegalArgumentException.class);
    Metadata metadata = new Metadata().addBinary("x-data-bin", new byte[] {0, (byte) 0xff});
    assertThat(metadata.getBinary("x-data-bin")).containsExactly(0, 0xff);
  }

  @Test
  void keysAreCaseInsensitiveAndRepeatedValuesKeepTheirOrder() {
    Metadata metadata = new Metadata().add("X-Trace", "a").add("x-trace", "b");
    assertThat(metadata.getAll("x-TRACE")).containsExactly("a", "b");
    assertThat(metadata.get("x-trace")).as("the last value").isEqualTo("b");
  }

  @Test
  void manyEntriesKeepTheirOrderThroughCopyMergeAndRemove() {
    Metadata metadata = new Metadata();
    for (int i = 0; i < 20; i++) {
      metadata.add(i % 2 == 0 ? "x-even" : "x-odd", Integer.toString(i));
    }
    metadata.addBinary("x-data-bin", new byte[] {7});
    Metadata copy = new Metadata(metadata);

    assertThat(metadata.removeAll("X-Even")).isTrue();
    assertThat(metadata.removeAll("x-even")).isFalse();

    assertThat(metadata.size()).isEqualTo(11);
    assertThat(metadata.getAll("x-odd"))
        .containsExactly("1", "3", "5", "7", "9", "11", "13", "15", "17", "19");
    assertThat(metadata.keys()).containsExactly("x-odd", "x-data-bin");
    assertThat(metadata.containsKey("x-even")).isFalse();
    assertThat(copy.size()).isEqualTo(21);
    assertThat(copy.getAll("x-even")).hasSize(10).startsWith("0").endsWith("18");
    assertThat(new Metadata().merge(copy).merge(metadata).size()).isEqualTo(32);
    assertThat(copy.getBinary("x-data-bin")).containsExactly(7);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "content-type",
        "te",
        "user-agent",
        "User-Agent",
        "connection",
        "host",
        "transfer-encoding",
        "keep-alive",
        "proxy-connection",
        "upgrade"
      })
  void reservedHttpHeadersAreRefusedWithWhatToUseInstead(String key) {
    assertThatThrownBy(() -> new Metadata().add(key, "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + key + "'")
        .hasMessageContaining("reserved HTTP header");
  }

  @Test
  void theUserAgentRefusalPointsToTheChannelBuilder() {
    assertThatThrownBy(() -> new Metadata().add("user-agent", "mine/1.0"))
        .hasMessageContaining("Channel.Builder.userAgent");
    assertThatThrownBy(() -> new Metadata().add("host", "example.com"))
        .hasMessageContaining("overrideAuthority");
  }

  @ParameterizedTest
  @ValueSource(strings = {":path", ":authority", ":x-bin"})
  void pseudoHeadersAreRefusedAsReservedForTheTransport(String key) {
    assertThatThrownBy(() -> new Metadata().add(key, "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pseudo-header");
    assertThatThrownBy(() -> new Metadata().addBinary(key + "-bin", new byte[] {1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pseudo-header");
  }
}
