package dev.trunk.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code buf breaking} (npm's @bufbuild/buf) on every checked-in old/new pair of trunk-cli: buf
 * reports exactly the rule IDs of the pair's {@code expected.txt}, which trunk-cli's
 * BreakingAgreementTest holds trunk to, so the two tools agree on every pair.
 */
class BufBreakingAgreementIT {
  /** The pairs, next to this module. */
  private static final Path PAIRS =
      Path.of(System.getProperty("basedir", ""))
          .toAbsolutePath()
          .resolve("../trunk-cli/src/test/resources/breaking")
          .normalize();

  /** Longest one buf run may take. */
  private static final long TIMEOUT_SECONDS = 60;

  /** buf's exit code when it found breaking changes. */
  private static final int BUF_BREAKING = 100;

  private static final Pattern TYPE = Pattern.compile("\"type\":\"([A-Z0-9_]+)\"");

  static Stream<String> pairs() throws IOException {
    try (Stream<Path> dirs = Files.list(PAIRS)) {
      List<String> names = dirs.map(p -> p.getFileName().toString()).sorted().toList();
      assertThat(names).hasSizeGreaterThan(60);
      return names.stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pairs")
  void bufReportsTheExpectedRules(String pair) throws Exception {
    Path dir = PAIRS.resolve(pair);
    Set<String> expected = lines(dir.resolve("expected.txt"));
    String config = "{\"version\":\"v2\",\"breaking\":{\"use\":[\"" + category(dir) + "\"]}}";
    // buf takes a --config module to be the working directory: run it in the new side.
    Process process =
        new ProcessBuilder(
                GrpcJsAndConnectEsPeers.nodeDir().resolve("node_modules/.bin/buf").toString(),
                "breaking",
                ".",
                "--against",
                "../old",
                "--config",
                config,
                "--error-format=json")
            .directory(dir.resolve("new").toFile())
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();

    Set<String> reported = new TreeSet<>();
    Matcher matcher = TYPE.matcher(output);
    while (matcher.find()) {
      reported.add(matcher.group(1));
    }
    assertThat(reported).as(output).isEqualTo(expected);
    assertThat(process.exitValue()).as(output).isEqualTo(expected.isEmpty() ? 0 : BUF_BREAKING);
  }

  @org.junit.jupiter.api.Test
  void theLauncherReportsTheSameRulesAsBuf() throws Exception {
    Path dir = PAIRS.resolve("field_no_delete");
    Path launcher = PAIRS.resolve("../../../../target/trunk").normalize();
    Process process =
        new ProcessBuilder(
                launcher.toString(),
                "breaking",
                "--against",
                dir.resolve("old").toString(),
                dir.resolve("new").toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();

    assertThat(output).startsWith("a.proto:5:1:FIELD_NO_DELETE ");
    assertThat(output.lines()).hasSize(1);
    assertThat(process.exitValue()).isEqualTo(BUF_BREAKING);
  }

  private static String category(Path dir) throws IOException {
    Path file = dir.resolve("category.txt");
    return Files.exists(file) ? Files.readString(file).strip() : "FILE";
  }

  private static Set<String> lines(Path file) throws IOException {
    Set<String> lines = new TreeSet<>();
    for (String line : Files.readAllLines(file)) {
      if (!line.isBlank()) {
        lines.add(line.strip());
      }
    }
    return lines;
  }
}
