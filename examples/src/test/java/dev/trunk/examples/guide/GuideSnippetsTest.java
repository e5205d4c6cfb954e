package dev.trunk.examples.guide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Keeps docs/guide.md honest: every Java block in it must be preceded by a marker such as {@code
 * <!-- snippet: guide/Deadlines.java#timeout -->} and equal, indentation aside, the region between
 * {@code // tag::timeout[]} and {@code // end::timeout[]} of that file, which the build compiles.
 * Paths are relative to {@code dev/trunk/examples} in the main sources, then in the test sources.
 */
class GuideSnippetsTest {
  private static final Path GUIDE = Path.of("..", "docs", "guide.md");
  private static final List<Path> SOURCE_ROOTS =
      List.of(
          Path.of("src", "main", "java", "dev", "trunk", "examples"),
          Path.of("src", "test", "java", "dev", "trunk", "examples"));

  /** An optional marker comment, then a fenced Java block. */
  private static final Pattern BLOCK =
      Pattern.compile(
          "(?:<!-- snippet: (\\S+)#(\\S+) -->\\n(?:[ \\t]*\\n)*)?```java\\n(.*?)```",
          Pattern.DOTALL);

  /** A snippet fewer than this many times means the pattern no longer matches the guide. */
  private static final int MIN_SNIPPETS = 15;

  @Test
  void everyJavaBlockOfTheGuideIsATaggedRegionOfACompiledSource() throws IOException {
    String guide = Files.readString(GUIDE);
    Matcher block = BLOCK.matcher(guide);
    List<String> problems = new ArrayList<>();
    int checked = 0;
    while (block.find()) {
      int line = lineOf(guide, block.start(3));
      if (block.group(1) == null) {
        problems.add("guide.md:" + line + ": a java block without a <!-- snippet: ... --> marker");
        continue;
      }
      checked++;
      String where = block.group(1) + "#" + block.group(2);
      try {
        String region = region(source(block.group(1)), block.group(2));
        if (!normalize(region).equals(normalize(block.group(3)))) {
          problems.add(
              "guide.md:"
                  + line
                  + ": block differs from "
                  + where
                  + "; it should read:\n"
                  + region);
        }
      } catch (IllegalArgumentException e) {
        problems.add("guide.md:" + line + ": " + e.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      fail(String.join("\n\n", problems));
    }
    assertThat(checked).isGreaterThanOrEqualTo(MIN_SNIPPETS);
  }

  @Test
  void aRegionIsFoundWithoutItsNestedMarkersAndItsCommonIndentation() {
    String source =
        """
        class A {
          // tag::outer[]
          void f() {
            // tag::inner[]
            g();
            // end::inner[]
          }
          // end::outer[]
        }
        """;
    assertThat(normalize(region(source, "outer"))).isEqualTo("void f() {\n  g();\n}");
    assertThat(normalize(region(source, "inner"))).isEqualTo("g();");
  }

  private static String source(String relative) {
    for (Path root : SOURCE_ROOTS) {
      Path file = root.resolve(relative);
      if (Files.isRegularFile(file)) {
        try {
          return Files.readString(file);
        } catch (IOException e) {
          throw new IllegalArgumentException("cannot read " + file + ": " + e, e);
        }
      }
    }
    throw new IllegalArgumentException(
        "no file " + relative + " under dev/trunk/examples in src/main/java or src/test/java");
  }

  /** The lines between the tag's start and end markers, without other markers. */
  static String region(String source, String tag) {
    String start = "tag::" + tag + "[]";
    String end = "end::" + tag + "[]";
    List<String> lines = source.lines().toList();
    int from = indexOf(lines, start, 0);
    int to = from < 0 ? -1 : indexOf(lines, end, from + 1);
    if (from < 0 || to < 0) {
      throw new IllegalArgumentException("no region '" + start + "' ... '" + end + "'");
    }
    return String.join(
        "\n",
        lines.subList(from + 1, to).stream()
            .filter(l -> !l.contains("tag::") && !l.contains("end::"))
            .toList());
  }

  private static int indexOf(List<String> lines, String marker, int from) {
    for (int i = from; i < lines.size(); i++) {
      if (lines.get(i).strip().equals("// " + marker)) {
        return i;
      }
    }
    return -1;
  }

  /** Without the common indentation, trailing spaces and leading or trailing blank lines. */
  static String normalize(String text) {
    List<String> lines = text.lines().map(String::stripTrailing).toList();
    int indent =
        lines.stream()
            .filter(l -> !l.isEmpty())
            .mapToInt(l -> l.length() - l.stripLeading().length())
            .min()
            .orElse(0);
    List<String> dedented = lines.stream().map(l -> l.isEmpty() ? l : l.substring(indent)).toList();
    int first = 0;
    int last = dedented.size();
    while (first < last && dedented.get(first).isEmpty()) {
      first++;
    }
    while (last > first && dedented.get(last - 1).isEmpty()) {
      last--;
    }
    return String.join("\n", dedented.subList(first, last));
  }

  private static int lineOf(String text, int offset) {
    return (int) text.substring(0, offset).lines().count();
  }
}
