package dev.trunk.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JsonWriterTest {
  @Test
  void writesNestedObjectsAndArraysWithCommasBetweenValues() {
    String json =
        new JsonWriter()
            .beginObject()
            .name("a")
            .value(1)
            .name("b")
            .beginArray()
            .value(true)
            .nullValue()
            .rawValue("{\"x\":2}")
            .endArray()
            .name("c")
            .beginObject()
            .endObject()
            .endObject()
            .toString();

    assertThat(json).isEqualTo("{\"a\":1,\"b\":[true,null,{\"x\":2}],\"c\":{}}");
  }

  @Test
  void escapesQuotesBackslashesControlCharactersAndHtmlInStrings() {
    String json = new JsonWriter().value("\"</script>\\\n\u0001&").toString();

    assertThat(json).isEqualTo("\"\\\"\\u003c/script\\u003e\\\\\\n\\u0001\\u0026\"");
  }

  @Test
  void writesNonFiniteNumbersAsNull() {
    String json =
        new JsonWriter()
            .beginArray()
            .value(Double.POSITIVE_INFINITY)
            .value(Double.NaN)
            .value(2.5)
            .endArray()
            .toString();

    assertThat(json).isEqualTo("[null,null,2.5]");
  }
}
