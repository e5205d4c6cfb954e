package dev.trunk.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.math.BigInteger;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Fuzzes {@link GrpcTimeout} against the grammar of PROTOCOL-HTTP2.md ("Timeout → TimeoutValue
 * TimeoutUnit", at most 8 digits). Seeds: {@code GrpcTimeoutFuzzTestInputs}.
 */
class GrpcTimeoutFuzzTest {
  private static final Pattern GRAMMAR = Pattern.compile("[0-9]{1,8}[HMSmun]");
  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  /** Any header value is either parsed exactly as the grammar says or refused with an IAE. */
  @FuzzTest
  void aHeaderValueIsParsedExactlyWhenTheGrammarAllowsItAndRefusedOtherwise(
      FuzzedDataProvider data) {
    String header = data.consumeRemainingAsString();
    if (!GRAMMAR.matcher(header).matches()) {
      assertThatThrownBy(() -> GrpcTimeout.parseNanos(header))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("grpc-timeout");
      return;
    }
    assertThat(GrpcTimeout.parseNanos(header)).isEqualTo(expectedNanos(header));
  }

  /**
   * Any timeout encodes within the grammar, never shorter than asked and less than one unit longer
   * (the finest unit that fits), and encoding keeps the order of timeouts.
   */
  @FuzzTest
  void anEncodedTimeoutFitsTheGrammarAndDecodesToAtLeastTheTimeout(FuzzedDataProvider data) {
    long first = data.consumeLong();
    long second = data.consumeLong();
    for (long nanos : new long[] {first, second}) {
      String header = GrpcTimeout.encode(nanos);
      assertThat(header).matches(GRAMMAR);
      long decoded = GrpcTimeout.parseNanos(header);
      long wanted = Math.max(nanos, 1);
      assertThat(decoded).isGreaterThanOrEqualTo(wanted);
      long unit = unitNanos(header.charAt(header.length() - 1));
      if (decoded != Long.MAX_VALUE) {
        assertThat(decoded - wanted).as("rounding of %s", header).isLessThan(unit);
      }
    }
    long low = Math.min(first, second);
    long high = Math.max(first, second);
    assertThat(GrpcTimeout.parseNanos(GrpcTimeout.encode(low)))
        .isLessThanOrEqualTo(GrpcTimeout.parseNanos(GrpcTimeout.encode(high)));
  }

  private static long expectedNanos(String header) {
    BigInteger amount = new BigInteger(header.substring(0, header.length() - 1));
    BigInteger nanos =
        amount.multiply(BigInteger.valueOf(unitNanos(header.charAt(header.length() - 1))));
    return nanos.min(LONG_MAX).longValueExact();
  }

  private static long unitNanos(char unit) {
    return switch (unit) {
      case 'n' -> 1;
      case 'u' -> TimeUnit.MICROSECONDS.toNanos(1);
      case 'm' -> TimeUnit.MILLISECONDS.toNanos(1);
      case 'S' -> TimeUnit.SECONDS.toNanos(1);
      case 'M' -> TimeUnit.MINUTES.toNanos(1);
      case 'H' -> TimeUnit.HOURS.toNanos(1);
      default -> throw new AssertionError("not a unit: " + unit);
    };
  }
}
