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
}
