package dev.trunk.internal.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonTest {
  @Test
  void readsEveryKindOfValue() {
    Object parsed =
        Json.parse(
            " {\"s\": \"x\", \"n\": -1.5e2, \"t\": true, \"f\": false, \"z\": null,"
                + " \"a\": [1, [], {}], \"o\": {\"k\": 0}}\r\n\t");
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("s", "x");
    expected.put("n", -150.0);
    expected.put("t", true);
    expected.put("f", false);
    expected.put("z", null);
    expected.put("a", Arrays.asList(1.0, List.of(), Map.of()));
    expected.put("o", Map.of("k", 0.0));
    assertThat(parsed).isEqualTo(expected);
    assertThat(List.copyOf(((Map<?, ?>) parsed).keySet()))
        .isEqualTo(List.of("s", "n", "t", "f", "z", "a", "o")); // document order
  }

  @Test
  void readsNumbersAsDoubles() {
    assertThat(Json.parse("0")).isEqualTo(0.0);
    assertThat(Json.parse("-0")).isEqualTo(-0.0);
    assertThat(Json.parse("12")).isEqualTo(12.0);
    assertThat(Json.parse("0.25")).isEqualTo(0.25);
    assertThat(Json.parse("1E3")).isEqualTo(1000.0);
    assertThat(Json.parse("1e+3")).isEqualTo(1000.0);
    assertThat(Json.parse("25e-2")).isEqualTo(0.25);
    assertThat(Json.parse("1e-400")).isEqualTo(0.0); // underflow is fine, overflow is not
  }

  @Test
  void readsEveryEscape() {
    assertThat(Json.parse("\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\u20AC\""))
        .isEqualTo("\" \\ / \b \f \n \r \t é €");
  }

  @Test
  void readsSurrogatePairsEscapedOrRaw() {
    String grinning = "\uD83D\uDE00";
    assertThat(Json.parse("\"\\ud83d\\ude00\"")).isEqualTo(grinning);
    assertThat(Json.parse("\"" + grinning + "\"")).isEqualTo(grinning);
    assertThat(Json.parse("\"\\uD83D" + "\uDE00\"")).isEqualTo(grinning);
  }

  @Test
  void acceptsNestingUpToTheLimit() {
    String deepest = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
    assertThat(Json.parse(deepest)).isInstanceOf(List.class);
    String objects = "{\"a\":".repeat(Json.MAX_DEPTH) + "1" + "}".repeat(Json.MAX_DEPTH);
    assertThat(Json.parse(objects)).isInstanceOf(Map.class);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "``| 0 | unexpected end of input, expected a value",
        "`   `| 3 | unexpected end of input, expected a value",
        "1 2| 2 | unexpected '2' after the JSON value",
        "{}x| 2 | unexpected 'x' after the JSON value",
        "[1,]| 3 | unexpected ']', expected a value",
        "[1 2]| 3 | unexpected '2', expected ']'",
        "{\"a\":1,}| 7 | unexpected '}', expected a string key",
        "{a:1}| 1 | unexpected 'a', expected a string key",
        "{\"a\" 1}| 5 | unexpected '1', expected ':'",
        "{\"a\":1,\"a\":2}| 7 | duplicate key \"a\"",
        "01| 1 | unexpected '1' after the JSON value",
        "1.| 2 | unexpected end of input, expected a digit after the decimal point",
        ".5| 0 | unexpected '.', expected a value",
        "+1| 0 | unexpected '+', expected a value",
        "-| 1 | unexpected end of input, expected a digit",
        "1e| 2 | unexpected end of input, expected a digit in the exponent",
        "1e400| 0 | number 1e400 is too large for a double",
        "NaN| 0 | unexpected 'N', expected a value",
        "tru| 0 | unexpected 't', expected true",
        "nul| 0 | unexpected 'n', expected null",
        "'a'| 0 | unexpected ''', expected a value",
        "\"abc| 4 | unexpected end of input inside a string",
        "\"\\x\"| 1 | invalid escape \\x",
        "\"\\u12\"| 1 | incomplete \\u escape",
        "\"\\u12G4\"| 1 | invalid \\u escape: \\u12G4",
        "\"\\ud800\"| 1 | unpaired UTF-16 surrogate U+D800 in a string",
        "\"\\udc00\"| 1 | unpaired UTF-16 surrogate U+DC00 in a string",
        "\"\\ud800\\u0041\"| 1 | unpaired UTF-16 surrogate U+D800 in a string",
        "/* c */ 1| 0 | unexpected '/', expected a value",
      })
  void refusesWhatRfc8259DoesNotAllowNamingTheOffset(String text, int offset, String problem) {
    assertThatThrownBy(() -> Json.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid JSON at offset " + offset + ": " + problem);
  }

  @Test
  void refusesRawControlCharactersAndOtherWhitespace() {
    assertThatThrownBy(() -> Json.parse("\"a\nb\""))
        .hasMessage("invalid JSON at offset 2: control character U+000A in a string; escape it");
    // Messages stay on one line: what they quote from the input is escaped.
    assertThatThrownBy(() -> Json.parse("{\"a\\n\":1,\"a\\n\":2}"))
        .hasMessage("invalid JSON at offset 9: duplicate key \"a\\n\"");
    assertThatThrownBy(() -> Json.parse("\"\\u\n\u0000ab\""))
        .hasMessage("invalid JSON at offset 1: invalid \\u escape: \\uU+000AU+0000ab");
    assertThatThrownBy(() -> Json.parse("\f1"))
        .hasMessage("invalid JSON at offset 0: unexpected U+000C, expected a value");
    assertThatThrownBy(() -> Json.parse("\"\uDC00\""))
        .hasMessage("invalid JSON at offset 1: unpaired UTF-16 surrogate U+DC00 in a string");
    assertThatThrownBy(() -> Json.parse("\"\uD800x\""))
        .hasMessage("invalid JSON at offset 1: unpaired UTF-16 surrogate U+D800 in a string");
  }

  @Test
  void refusesNestingDeeperThanTheLimit() {
    String tooDeep = "[".repeat(Json.MAX_DEPTH + 1) + "]".repeat(Json.MAX_DEPTH + 1);
    assertThatThrownBy(() -> Json.parse(tooDeep))
        .hasMessage(
            "invalid JSON at offset "
                + Json.MAX_DEPTH
                + ": nested deeper than "
                + Json.MAX_DEPTH
                + " arrays and objects");
    // Far deeper input fails the same way instead of overflowing the stack.
    assertThatThrownBy(() -> Json.parse("[".repeat(1_000_000)))
        .hasMessageContaining("nested deeper than");
  }

  @Test
  void writesCompactJson() {
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("b", List.of(1.0, 1.5, -2, 3L, true));
    value.put("a", null);
    value.put("s", "q\"\\\n\r\t\u0001é");
    assertThat(Json.write(value))
        .isEqualTo("{\"b\":[1,1.5,-2,3,true],\"a\":null,\"s\":\"q\\\"\\\\\\n\\r\\t\\u0001é\"}");
  }

  @Test
  void writesNumbersSoTheyReadBackEqual() {
    for (double d : new double[] {0.0, -0.0, 1e20, 1e-7, 0.1, 123456789.125, -1e300, 0x1p53}) {
      String written = Json.write(d);
      assertThat(Json.parse(written)).as(written).isEqualTo(d);
    }
    assertThat(Json.write(-0.0)).isEqualTo("-0");
    assertThat(Json.write(0x1p53)).isEqualTo("9007199254740992");
    assertThat(Json.write(List.of(0.0009, 1e20, 1e21, 1e-7, 2.50)))
        .isEqualTo("[0.0009,100000000000000000000,1.0E21,1.0E-7,2.5]");
  }

  @Test
  void refusesWhatJsonCannotHold() {
    assertThatThrownBy(() -> Json.write(Double.NaN)).hasMessage("JSON has no NaN");
    assertThatThrownBy(() -> Json.write(List.of(Double.POSITIVE_INFINITY)))
        .hasMessage("JSON has no Infinity");
    assertThatThrownBy(() -> Json.write(new Object()))
        .hasMessage("cannot write a java.lang.Object as JSON");
    assertThatThrownBy(() -> Json.write(Map.of(1, 2)))
        .hasMessage("JSON object keys must be strings, got 1");
    assertThatThrownBy(() -> Json.write("a\uD800"))
        .hasMessage("cannot write a string with an unpaired UTF-16 surrogate (U+D800) as JSON");
  }

  @Test
  void readingWhatWasWrittenGivesTheSameValue() {
    Map<String, Object> value = new HashMap<>();
    List<Object> list = new ArrayList<>(Arrays.asList("\uD83D\uDE00", null, false, 2.5e-10));
    list.add(Map.of("nested", List.of(List.of())));
    value.put("list", list);
    value.put("text", "\u0000\u001f\u007f\u2028");
    assertThat(Json.parse(Json.write(value))).isEqualTo(value);
  }
}
