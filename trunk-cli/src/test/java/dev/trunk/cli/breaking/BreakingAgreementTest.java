package dev.trunk.cli.breaking;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trunk.cli.Trunk;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * Every checked-in pair under {@code src/test/resources/breaking}: trunk reports exactly the rule
 * IDs of the pair's {@code expected.txt} (the ones buf reports, which BufBreakingAgreementIT
 * checks), at the pair's category ({@code category.txt}, else FILE).
 */
class BreakingAgreementTest {
  static final Path PAIRS = Path.of("src/test/resources/breaking");

  static Stream<String> pairs() throws IOException {
    try (Stream<Path> dirs = Files.list(PAIRS)) {
      List<String> names = dirs.map(p -> p.getFileName().toString()).sorted().toList();
      assertThat(names).hasSizeGreaterThan(60);
      return names.stream();
    }
  }

  @ParameterizedTest
  @MethodSource("pairs")
  void reportsTheExpectedRules(String pair) throws IOException {
    Path dir = PAIRS.resolve(pair);
    Set<String> expected = lines(dir.resolve("expected.txt"));
    String category = category(dir);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = Trunk.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));

    int exit =
        commandLine.execute(
            "breaking",
            "--category",
            category,
            "--against",
            dir.resolve("old").toString(),
            dir.resolve("new").toString());

    assertThat(err.toString()).isEmpty();
    Set<String> reported = new TreeSet<>();
    out.toString().lines().forEach(line -> reported.add(ruleOf(line)));
    assertThat(reported).as(pair).isEqualTo(expected);
    assertThat(exit).isEqualTo(expected.isEmpty() ? 0 : Breaking.EXIT_VIOLATIONS);
  }

  /** The rule ID of {@code file:line:column:RULE message}. */
  static String ruleOf(String line) {
    assertThat(line).matches("[^:]+:\\d+:\\d+:[A-Z0-9_]+ .+");
    String[] parts = line.split(":", 4);
    return parts[3].substring(0, parts[3].indexOf(' '));
  }

  static String category(Path dir) throws IOException {
    Path file = dir.resolve("category.txt");
    return Files.exists(file) ? Files.readString(file).strip() : "FILE";
  }

  static Set<String> lines(Path file) throws IOException {
    Set<String> lines = new TreeSet<>();
    Files.readAllLines(file).stream()
        .map(String::strip)
        .filter(l -> !l.isEmpty())
        .forEach(lines::add);
    return lines;
  }
}
