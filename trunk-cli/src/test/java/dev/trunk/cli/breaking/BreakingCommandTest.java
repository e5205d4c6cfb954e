package dev.trunk.cli.breaking;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trunk.cli.ExitCode;
import dev.trunk.cli.Protoc;
import dev.trunk.cli.Trunk;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BreakingCommandTest {
  private static final Path PAIR = BreakingAgreementTest.PAIRS.resolve("field_no_delete");
  private static final String ITEM =
      "syntax = \"proto3\";\n\npackage demo.v1;\n\nmessage Item {\n  string name = 1;\n"
          + "  int32 count = 2;\n}\n";

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @TempDir Path temp;

  private int run(String... args) {
    CommandLine commandLine = Trunk.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }

  @Test
  void aDeletedFieldIsOneLineAtItsMessageInTheNewFile() {
    int exit =
        run(
            "breaking",
            "--against",
            PAIR.resolve("old").toString(),
            PAIR.resolve("new").toString());

    assertThat(exit).isEqualTo(Breaking.EXIT_VIOLATIONS);
    assertThat(out.toString())
        .isEqualTo("a.proto:5:1:FIELD_NO_DELETE field 2 \"count\" of message Item was deleted\n");
  }

  @Test
  void aDescriptorSetBaselineGivesTheSameResult() throws IOException {
    Path set = temp.resolve("old.binpb");
    Path old = PAIR.resolve("old");
    Files.write(set, Protoc.compile(List.of(old), Protoc.protoFiles(old)).toByteArray());

    int exit = run("breaking", "--against", set.toString(), PAIR.resolve("new").toString());

    assertThat(exit).isEqualTo(Breaking.EXIT_VIOLATIONS);
    assertThat(out.toString()).startsWith("a.proto:5:1:FIELD_NO_DELETE ");
  }

  @Test
  void aGitRevisionIsTheNewPathAsItWasThen() throws Exception {
    Path protos = Files.createDirectories(temp.resolve("repo/proto"));
    Files.writeString(protos.resolve("item.proto"), ITEM);
    git("init", "-q");
    git("add", ".");
    git("-c", "user.name=t", "-c", "user.email=t@localhost", "commit", "-q", "-m", "baseline");
    Files.writeString(protos.resolve("item.proto"), ITEM.replace("  int32 count = 2;\n", ""));

    int exit = run("breaking", "--against", "git:HEAD", protos.toString());

    assertThat(err.toString()).isEmpty();
    assertThat(exit).isEqualTo(Breaking.EXIT_VIOLATIONS);
    assertThat(out.toString()).startsWith("item.proto:5:1:FIELD_NO_DELETE ");
  }

  @Test
  void anUnknownGitRevisionIsOneLine() throws Exception {
    Path protos = Files.createDirectories(temp.resolve("repo/proto"));
    Files.writeString(protos.resolve("item.proto"), ITEM);
    git("init", "-q");

    int exit = run("breaking", "--against", "git:no-such-ref", protos.toString());

    assertThat(exit).isEqualTo(ExitCode.USAGE);
    assertThat(err.toString()).startsWith("trunk: cannot read proto at git revision no-such-ref: ");
    assertThat(err.toString().lines()).hasSize(1);
  }

  @Test
  void protosThatDoNotCompileAreOneLineNamingTheFileAndLine() throws IOException {
    Path broken = Files.createDirectories(temp.resolve("broken"));
    Files.writeString(broken.resolve("bad.proto"), "syntax = \"proto3\";\nmessage {\n");

    int exit = run("breaking", "--against", PAIR.resolve("old").toString(), broken.toString());

    assertThat(exit).isEqualTo(ExitCode.USAGE);
    assertThat(err.toString())
        .startsWith("trunk: the .proto files do not compile: ")
        .contains("bad.proto:2:9: Expected message name");
    assertThat(err.toString().lines()).hasSize(1);
    assertThat(err.toString()).doesNotContain("Exception");
  }

  @Test
  void aMissingInputIsOneLine() {
    int exit =
        run(
            "breaking",
            "--against",
            temp.resolve("nothing").toString(),
            PAIR.resolve("new").toString());

    assertThat(exit).isEqualTo(ExitCode.USAGE);
    assertThat(err.toString()).isEqualTo("trunk: " + temp.resolve("nothing") + " does not exist\n");
  }

  @Test
  void aFileThatIsNoDescriptorSetIsOneLine() throws IOException {
    Path junk = temp.resolve("junk.binpb");
    Files.writeString(junk, "not a descriptor set");

    int exit = run("breaking", "--against", junk.toString(), PAIR.resolve("new").toString());

    assertThat(exit).isEqualTo(ExitCode.USAGE);
    assertThat(err.toString()).startsWith("trunk: " + junk + " is not a descriptor set: ");
  }

  @Test
  void anUnknownCategoryIsAUsageError() {
    int exit = run("breaking", "--category", "LOOSE", "--against", "a", "b");

    assertThat(exit).isEqualTo(ExitCode.USAGE);
    assertThat(err.toString()).contains("LOOSE").contains("see 'trunk breaking --help'");
  }

  private void git(String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("git"));
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command)
            .directory(temp.resolve("repo").toFile())
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
  }
}
