package dev.trunk.internal.lb;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * XXH64 (seed 0) against the reference implementation: expected values printed by {@code xxhsum
 * -H1} (xxHash 0.8.1, Debian package {@code xxhash}) for each input. The lengths cover every path:
 * the short tail (bytes, a 4-byte word, 8-byte words) and the 32-byte stripes.
 */
class XxHash64Test {
  @Test
  void matchesReferenceVectors() {
    assertThat(XxHash64.hash("")).isEqualTo(0xef46db3751d8e999L);
    assertThat(XxHash64.hash("a")).isEqualTo(0xd24ec4f1a98c6e5bL);
    assertThat(XxHash64.hash("abc")).isEqualTo(0x44bc2cf5ad770999L);
    assertThat(XxHash64.hash("0123456")).isEqualTo(0x97ee4fe4a0ff4dfaL);
    assertThat(XxHash64.hash("01234567")).isEqualTo(0xe4ba22a49ad89d3fL);
    assertThat(XxHash64.hash("012345678")).isEqualTo(0x43ecc9248bc07d20L);
    assertThat(XxHash64.hash("0123456789abcdef0123456789abcde")).isEqualTo(0x1fdfc63febacfde7L);
    assertThat(XxHash64.hash("0123456789abcdef0123456789abcdef")).isEqualTo(0x642a94958e71e6c5L);
    assertThat(XxHash64.hash("0123456789abcdef0123456789abcdef0")).isEqualTo(0xe87684f08d6d0816L);
    assertThat(XxHash64.hash("Nobody inspects the spammish repetition"))
        .isEqualTo(0xfbcea83c8a378bf1L);
    assertThat(XxHash64.hash("127.0.0.1:50051_0")).isEqualTo(0x2aa0808c170b12a2L);
  }

  @Test
  void hashesLongInputs() {
    byte[] thousandXs = "x".repeat(1000).getBytes(StandardCharsets.US_ASCII);

    assertThat(XxHash64.hash(thousandXs)).isEqualTo(0x4cb9a3b69cb700e1L);
  }
}
