package dev.trunk.internal.web;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Duration;
import com.google.rpc.BadRequest;
import com.google.rpc.RetryInfo;
import dev.trunk.Metadata;
import dev.trunk.Status;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class ConnectErrorTest {
  private static final RetryInfo RETRY =
      RetryInfo.newBuilder().setRetryDelay(Duration.newBuilder().setSeconds(60)).build();

  // The spec's example detail: RetryInfo with a 60 s delay is "CgIIPA" in unpadded base64.
  private static final String RETRY_BASE64 = "CgIIPA";

  @Test
  void anErrorIsWrittenWithItsCodeNameMessageAndDetailsInUnpaddedBase64() {
    Status status = Status.UNAVAILABLE.withDescription("overloaded").withDetails(RETRY);

    assertThat(json(ConnectError.toJson(status)))
        .isEqualTo(
            "{\"code\":\"unavailable\",\"message\":\"overloaded\",\"details\":"
                + "[{\"type\":\"google.rpc.RetryInfo\",\"value\":\""
                + RETRY_BASE64
                + "\"}]}");
  }

  @Test
  void anEmptyMessageAndNoDetailsAreOmitted() {
    assertThat(json(ConnectError.toJson(Status.NOT_FOUND.withDescription(""))))
        .isEqualTo("{\"code\":\"not_found\"}");
  }

  @Test
  void aMessageWithQuotesNewlinesAndUnicodeIsEscapedAsJson() {
    Status status = Status.INTERNAL.withDescription("say \"hi\"\nto 世界");

    assertThat(ConnectError.fromJson(ConnectError.toJson(status), 500)).isEqualTo(status);
  }

  @Test
  void aMessageWithAnUnpairedSurrogateIsStillWritten() {
    byte[] body = ConnectError.toJson(Status.INTERNAL.withDescription("bad \uD800 half"));

    assertThat(ConnectError.fromJson(body, 500).description()).isEqualTo("bad ? half");
  }

  @Test
  void okIsNoError() {
    assertThatThrownBy(() -> ConnectError.toJson(Status.OK))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anErrorReadsBackToTheSameStatusWhateverTheHttpStatus() {
    Status status =
        Status.FAILED_PRECONDITION
            .withDescription("empty the bucket first")
            .withDetails(RETRY, BadRequest.getDefaultInstance());

    Status read = ConnectError.fromJson(ConnectError.toJson(status), 503);

    assertThat(read).isEqualTo(status);
    assertThat(read.detail(RetryInfo.class)).contains(RETRY);
  }

  @Test
  void detailValuesAreReadPaddedOrNotInEitherAlphabet() {
    byte[] value = {(byte) 0xfb, (byte) 0xff, 0x01};
    String standard = Base64.getEncoder().encodeToString(value); // "+/8B"
    String url = Base64.getUrlEncoder().encodeToString(new byte[] {(byte) 0xfb, (byte) 0xff});
    String body =
        "{\"code\":\"aborted\",\"details\":["
            + "{\"type\":\"a.B\",\"value\":\""
            + standard
            + "\"},{\"type\":\"a.C\",\"value\":\""
            + url
            + "\",\"debug\":{\"x\":1}}]}";

    Status read = ConnectError.fromJson(body.getBytes(UTF_8), 409);

    assertThat(read.code()).isEqualTo(Status.Code.ABORTED);
    assertThat(read.details())
        .containsExactly(
            Any.newBuilder()
                .setTypeUrl("type.googleapis.com/a.B")
                .setValue(ByteString.copyFrom(value))
                .build(),
            Any.newBuilder()
                .setTypeUrl("type.googleapis.com/a.C")
                .setValue(ByteString.copyFrom(new byte[] {(byte) 0xfb, (byte) 0xff}))
                .build());
  }

  @Test
  void aBrokenDetailIsSkippedButTheCodeAndMessageAreKept() {
    String body =
        "{\"code\":\"not_found\",\"message\":\"gone\",\"details\":"
            + "[{\"type\":\"a.B\",\"value\":\"!!\"},{\"type\":7},\"x\",{\"type\":\"a.C\",\"value\":\"\"}]}";

    Status read = ConnectError.fromJson(body.getBytes(UTF_8), 404);

    assertThat(read.code()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(read.description()).isEqualTo("gone");
    assertThat(read.details())
        .extracting(Any::getTypeUrl)
        .containsExactly("type.googleapis.com/a.C");
  }

  @Test
  void anUnknownCodeNameIsUnknown() {
    Status read = ConnectError.fromJson("{\"code\":\"teapot\"}".getBytes(UTF_8), 418);

    assertThat(read.code()).isEqualTo(Status.Code.UNKNOWN);
  }

  @Test
  void aBodyThatIsNotAConnectErrorGivesTheCodeOfTheHttpStatus() {
    for (String body : new String[] {"", "<html>busy</html>", "{}", "{\"code\":null}", "[1]"}) {
      Status read = ConnectError.fromJson(body.getBytes(UTF_8), 503);

      assertThat(read.code()).as(body).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(read.description()).as(body).contains("HTTP status 503");
    }
    assertThat(ConnectError.fromJson(new byte[] {(byte) 0xff}, 404).code())
        .isEqualTo(Status.Code.UNIMPLEMENTED);
  }

  @Test
  void aSuccessfulStreamEndsWithAnEmptyObject() {
    assertThat(json(ConnectError.endStreamJson(Status.OK, new Metadata()))).isEqualTo("{}");
  }

  @Test
  void theEndOfAStreamCarriesTheErrorAndTheTrailersWithBinaryValuesInBase64() {
    Metadata trailers = new Metadata();
    trailers.add("acme-cost", "237");
    trailers.add("acme-cost", "12");
    trailers.addBinary("acme-trace-bin", new byte[] {1, 2, 3, 4});

    byte[] body =
        ConnectError.endStreamJson(Status.UNAVAILABLE.withDescription("overloaded"), trailers);

    assertThat(json(body))
        .isEqualTo(
            "{\"error\":{\"code\":\"unavailable\",\"message\":\"overloaded\"},"
                + "\"metadata\":{\"acme-cost\":[\"237\",\"12\"],\"acme-trace-bin\":[\"AQIDBA\"]}}");
    ConnectError.EndStream read = ConnectError.parseEndStream(body);
    assertThat(read.status()).isEqualTo(Status.UNAVAILABLE.withDescription("overloaded"));
    assertThat(read.trailers().getAll("acme-cost")).containsExactly("237", "12");
    assertThat(read.trailers().getBinary("acme-trace-bin")).containsExactly(1, 2, 3, 4);
  }

  @Test
  void anEndOfStreamWithoutErrorIsOkAndKeysAreCaseInsensitive() {
    ConnectError.EndStream read =
        ConnectError.parseEndStream(
            "{\"metadata\":{\"Acme-Id\":[\"7\"],\"x-bin\":[\"AQI=\"]}}".getBytes(UTF_8));

    assertThat(read.status()).isEqualTo(Status.OK);
    assertThat(read.trailers().get("acme-id")).isEqualTo("7");
    assertThat(read.trailers().getBinary("x-bin")).containsExactly(1, 2);
  }

  @Test
  void reservedOrUnprintableTrailersAreDropped() {
    ConnectError.EndStream read =
        ConnectError.parseEndStream(
            "{\"metadata\":{\"grpc-status\":[\"0\"],\"a\":[\"caf\u00e9\"],\"b\":[\"ok\"]}}"
                .getBytes(UTF_8));

    assertThat(read.trailers().keys()).containsExactly("b");
  }

  @Test
  void aMalformedEndOfStreamIsRefusedNamingTheProblem() {
    assertEndStreamRefused("not json", "invalid JSON at offset 0");
    assertEndStreamRefused("[]", "not a JSON object");
    assertEndStreamRefused("{\"error\":null}", "\"error\" is not an object with a string \"code\"");
    assertEndStreamRefused("{\"error\":{}}", "\"error\" is not an object");
    assertEndStreamRefused("{\"metadata\":[]}", "\"metadata\" is not an object");
    assertEndStreamRefused("{\"metadata\":{\"a\":\"x\"}}", "metadata \"a\" is not an array");
    assertEndStreamRefused("{\"metadata\":{\"a\":[1]}}", "metadata \"a\" is not an array");
    assertEndStreamRefused(
        "{\"metadata\":{\"a-bin\":[\"*\"]}}", "metadata \"a-bin\" is not base64");
  }

  private static void assertEndStreamRefused(String body, String problem) {
    assertThatThrownBy(() -> ConnectError.parseEndStream(body.getBytes(UTF_8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("invalid Connect end-of-stream message: ")
        .hasMessageContaining(problem);
  }

  private static String json(byte[] body) {
    return new String(body, UTF_8);
  }
}
