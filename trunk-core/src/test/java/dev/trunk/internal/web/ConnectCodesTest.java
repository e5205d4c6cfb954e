package dev.trunk.internal.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trunk.Status;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class ConnectCodesTest {
  @ParameterizedTest
  @EnumSource(value = Status.Code.class, mode = EnumSource.Mode.EXCLUDE, names = "OK")
  void everyErrorCodeHasAConnectNameThatMapsBack(Status.Code code) {
    String name = ConnectCodes.name(code);

    assertThat(ConnectCodes.fromName(name)).isEqualTo(code);
    if (code != Status.Code.CANCELLED) {
      assertThat(name).isEqualTo(code.name().toLowerCase(Locale.ROOT));
    }
  }

  @Test
  void cancelledIsSpelledWithOneL() {
    assertThat(ConnectCodes.name(Status.Code.CANCELLED)).isEqualTo("canceled");
    assertThat(ConnectCodes.fromName("cancelled")).isEqualTo(Status.Code.UNKNOWN);
  }

  @Test
  void okHasNoConnectName() {
    assertThatThrownBy(() -> ConnectCodes.name(Status.Code.OK))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("OK");
  }

  @Test
  void unknownOrDifferentlyCasedNamesAreUnknown() {
    assertThat(ConnectCodes.fromName("ok")).isEqualTo(Status.Code.UNKNOWN);
    assertThat(ConnectCodes.fromName("NOT_FOUND")).isEqualTo(Status.Code.UNKNOWN);
    assertThat(ConnectCodes.fromName("teapot")).isEqualTo(Status.Code.UNKNOWN);
    assertThat(ConnectCodes.fromName("")).isEqualTo(Status.Code.UNKNOWN);
  }

  @ParameterizedTest
  @CsvSource({
    "OK, 200",
    "CANCELLED, 499",
    "UNKNOWN, 500",
    "INVALID_ARGUMENT, 400",
    "DEADLINE_EXCEEDED, 504",
    "NOT_FOUND, 404",
    "ALREADY_EXISTS, 409",
    "PERMISSION_DENIED, 403",
    "RESOURCE_EXHAUSTED, 429",
    "FAILED_PRECONDITION, 400",
    "ABORTED, 409",
    "OUT_OF_RANGE, 400",
    "UNIMPLEMENTED, 501",
    "INTERNAL, 500",
    "UNAVAILABLE, 503",
    "DATA_LOSS, 500",
    "UNAUTHENTICATED, 401"
  })
  void eachCodeIsSentWithTheHttpStatusOfTheSpecsTable(Status.Code code, int httpStatus) {
    assertThat(ConnectCodes.httpStatus(code)).isEqualTo(httpStatus);
  }

  @ParameterizedTest
  @CsvSource({
    "400, INTERNAL",
    "401, UNAUTHENTICATED",
    "403, PERMISSION_DENIED",
    "404, UNIMPLEMENTED",
    "429, UNAVAILABLE",
    "502, UNAVAILABLE",
    "503, UNAVAILABLE",
    "504, UNAVAILABLE",
    "200, UNKNOWN",
    "409, UNKNOWN",
    "500, UNKNOWN",
    "501, UNKNOWN",
    "302, UNKNOWN"
  })
  void aClientInfersTheCodeOfAnErrorWithoutBodyFromTheHttpStatus(int httpStatus, Status.Code code) {
    assertThat(ConnectCodes.fromHttpStatus(httpStatus)).isEqualTo(code);
  }
}
