package dev.trunk.internal.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Fuzzes {@link Json}, which reads service configs from DNS TXT records (a peer's bytes). Seeds:
 * {@code JsonFuzzTestInputs}.
 */
class JsonFuzzTest {
  private static final Pattern ERROR = Pattern.compile("invalid JSON at offset (\\d+): .+");

  /** Keeps generated values small, so one input stays fast. */
  private static final int MAX_GENERATED_DEPTH = 6;

  private static final int MAX_GENERATED_ELEMENTS = 8;

  /**
   * Any text is either read, and then writes to JSON that reads back to an equal value and writes
   * again to the same text, or refused with an {@link IllegalArgumentException} naming an offset
   * within the text (never another exception, never a stack overflow).
   */
  @FuzzTest
  void anyTextReadsToAValueThatRoundTripsOrIsRefusedAtAnOffset(FuzzedDataProvider data) {
    String text = data.consumeRemainingAsString();
    Object value;
    try {
      value = Json.parse(text);
    } catch (IllegalArgumentException e) {
      Matcher m = ERROR.matcher(e.getMessage());
      assertThat(m.matches()).as(e.getMessage()).isTrue();
      assertThat(Integer.parseInt(m.group(1))).isBetween(0, text.length());
      return;
    }
    String written = Json.write(value);
    assertThat(Json.parse(written)).isEqualTo(value);
    assertThat(Json.write(Json.parse(written))).isEqualTo(written);
  }

  /**
   * Any value made of maps, lists, strings, finite doubles, booleans and nulls reads back equal.
   */
  @FuzzTest
  void anyValueWritesToJsonThatReadsBackEqual(FuzzedDataProvider data) {
    Object value = generate(data, 0);
    assertThat(Json.parse(Json.write(value))).isEqualTo(value);
  }

  private static @Nullable Object generate(FuzzedDataProvider data, int depth) {
    int kind = data.consumeInt(0, depth < MAX_GENERATED_DEPTH ? 5 : 3);
    return switch (kind) {
      case 0 -> null;
      case 1 -> data.consumeBoolean();
      case 2 -> finite(data.consumeDouble());
      case 3 -> text(data);
      case 4 -> {
        List<Object> list = new ArrayList<>();
        int size = data.consumeInt(0, MAX_GENERATED_ELEMENTS);
        for (int i = 0; i < size; i++) {
          list.add(generate(data, depth + 1));
        }
        yield list;
      }
      default -> {
        Map<String, Object> map = new LinkedHashMap<>();
        int size = data.consumeInt(0, MAX_GENERATED_ELEMENTS);
        for (int i = 0; i < size; i++) {
          map.put(text(data), generate(data, depth + 1));
        }
        yield map;
      }
    };
  }

  private static double finite(double d) {
    return Double.isFinite(d) ? d : 0;
  }

  /**
   * Fuzzer text without unpaired surrogates (which JSON text cannot carry): UTF-8 replaces them.
   */
  private static String text(FuzzedDataProvider data) {
    String raw = data.consumeString(64);
    return new String(raw.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
  }
}
