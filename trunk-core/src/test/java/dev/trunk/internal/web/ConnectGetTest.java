package dev.trunk.internal.web;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class ConnectGetTest {
  @Test
  void theSpecsJsonExampleIsReadAsPercentEncodedText() {
    ConnectGet get =
        ConnectGet.parse("message=%7B%22name%22%3A%22Buf%22%7D&encoding=json&connect=v1");

    assertThat(get.message().toStringUtf8()).isEqualTo("{\"name\":\"Buf\"}");
    assertThat(get.codec()).isEqualTo("json");
    assertThat(get.compression()).isNull();
  }

  @Test
  void aBase64MessageIsUrlSafeWithOrWithoutPercentEncodedPadding() {
    byte[] message = {(byte) 0xfb, (byte) 0xff, 0x10, 0x01};
    String unpadded = Base64.getUrlEncoder().withoutPadding().encodeToString(message); // "-_8QAQ"
    String padded = Base64.getUrlEncoder().encodeToString(message).replace("=", "%3D");

    for (String text : new String[] {unpadded, padded}) {
      ConnectGet get =
          ConnectGet.parse("connect=v1&base64=1&compression=gzip&encoding=proto&message=" + text);

      assertThat(get.message().toByteArray()).as(text).containsExactly(message);
      assertThat(get.codec()).isEqualTo("proto");
      assertThat(get.compression()).isEqualTo("gzip");
    }
  }

  @Test
  void parametersComeInAnyOrderAmongUnknownOnesAndPlusIsASpace() {
    ConnectGet get = ConnectGet.parse("cache=no&encoding=json&x&message=%22a+b%22&utm=1");

    assertThat(get.message().toStringUtf8()).isEqualTo("\"a b\"");
  }

  @Test
  void aBase64ValueOtherThanOneIsIgnored() {
    assertThat(ConnectGet.parse("base64=0&encoding=json&message=AQID").message().toStringUtf8())
        .isEqualTo("AQID");
  }

  @Test
  void anEmptyMessageIsAllowed() {
    assertThat(ConnectGet.parse("encoding=proto&message=").message()).isEqualTo(ByteString.EMPTY);
    assertThat(ConnectGet.parse("encoding=proto&message").message()).isEqualTo(ByteString.EMPTY);
  }

  @Test
  void badQueriesAreRefusedNamingTheParameter() {
    assertRefused("encoding=json", "query parameter 'message' is missing");
    assertRefused("message=%7B%7D", "query parameter 'encoding' is missing");
    assertRefused("encoding=json&message=a&message=b", "query parameter 'message' appears twice");
    assertRefused("encoding=json&message=%7", "query parameter 'message' has a '%' at 0");
    assertRefused("encoding=json&message=%zz", "query parameter 'message' has a '%' at 0");
    assertRefused("encoding=%FF&message=", "query parameter 'encoding' is not UTF-8");
    assertRefused("connect=v2&encoding=json&message=", "query parameter 'connect' is 'v2'");
    assertRefused("base64=1&encoding=proto&message=A", "query parameter 'message' (base64=1)");
    assertRefused("base64=1&encoding=proto&message=A*BC", "query parameter 'message' (base64=1)");
  }

  @Test
  void aProtoMessageIsSentAsUnpaddedUrlSafeBase64InTheRecommendedOrder() {
    byte[] message = {(byte) 0xfb, (byte) 0xff, 0x10, 0x01};

    assertThat(ConnectGet.query(message, "proto", null))
        .isEqualTo("connect=v1&base64=1&encoding=proto&message=-_8QAQ");
    assertThat(ConnectGet.query(message, "proto", "gzip"))
        .isEqualTo("connect=v1&base64=1&compression=gzip&encoding=proto&message=-_8QAQ");
  }

  @Test
  void aJsonMessageIsSentAsPercentEncodedTextUnlessCompressed() {
    byte[] json = "{\"name\":\"Buf ü\"}".getBytes(UTF_8);

    assertThat(ConnectGet.query(json, "json", null))
        .isEqualTo("connect=v1&encoding=json&message=%7B%22name%22%3A%22Buf%20%C3%BC%22%7D");
    assertThat(ConnectGet.query(json, "json", "identity")).doesNotContain("base64");
    assertThat(ConnectGet.query(json, "json", "gzip")).contains("&base64=1&");
    assertThat(ConnectGet.query(new byte[] {(byte) 0xff}, "json", null)).contains("&base64=1&");
  }

  @Test
  void aQueryReadsBackToItsMessage() {
    byte[][] messages = {
      new byte[0], "{\"a\":[1,2]}".getBytes(UTF_8), new byte[] {0, (byte) 0x80, '&', '=', '+'}
    };
    for (byte[] message : messages) {
      for (String codec : new String[] {"proto", "json"}) {
        ConnectGet get = ConnectGet.parse(ConnectGet.query(message, codec, null));

        assertThat(get.message().toByteArray()).containsExactly(message);
        assertThat(get.codec()).isEqualTo(codec);
      }
    }
  }

  private static void assertRefused(String query, String problem) {
    assertThatThrownBy(() -> ConnectGet.parse(query))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(problem);
  }
}
