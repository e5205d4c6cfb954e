package dev.trunk.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class TrunkTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine commandLine = Trunk.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }

  @Test
  void versionNamesTheBuiltVersionAndTheJava() {
    assertThat(run("--version")).isZero();
    assertThat(out.toString()).containsPattern("trunk \\d+\\.\\d+\\.\\d+").contains("Java ");
  }

  @Test
  void anUnknownOptionIsOneLineAndTheUsageExitCode() {
    assertThat(run("--no-such-option")).isEqualTo(ExitCode.USAGE);
    assertThat(err.toString())
        .startsWith("trunk: Unknown option: '--no-such-option'")
        .contains("see 'trunk --help'")
        .doesNotContain("Exception");
  }
}
