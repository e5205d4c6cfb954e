package dev.trunk.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trunk.cli.Protoc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The goal as Maven runs it, on trunk-cli's checked-in pairs with a descriptor set baseline. */
class BreakingMojoTest {
  private static final Path PAIRS = Path.of("../trunk-cli/src/test/resources/breaking");

  @TempDir Path temp;

  private BreakingMojo mojo(String pair, String category) throws IOException {
    Path old = PAIRS.resolve(pair).resolve("old");
    Files.write(
        temp.resolve("baseline.binpb"),
        Protoc.compile(List.of(old), Protoc.protoFiles(old)).toByteArray());
    BreakingMojo mojo = new BreakingMojo();
    mojo.against = "baseline.binpb";
    mojo.basedir = temp.toFile();
    mojo.protoDirectory = PAIRS.resolve(pair).resolve("new").toFile();
    mojo.category = category;
    return mojo;
  }

  @Test
  void aBreakingChangeFailsTheBuild() throws IOException {
    BreakingMojo mojo = mojo("field_no_delete", "FILE");

    assertThatThrownBy(mojo::execute)
        .isInstanceOf(MojoFailureException.class)
        .hasMessage("1 breaking change(s) against baseline.binpb, listed above");
  }

  @Test
  void aCompatibleChangePasses() throws Exception {
    mojo("no_change", "FILE").execute();
  }

  @Test
  void theCategoryDecides() throws Exception {
    mojo("field_no_delete_number_reserved_wire", "WIRE").execute();
    assertThatThrownBy(mojo("field_no_delete_number_reserved_wire", "file")::execute)
        .isInstanceOf(MojoFailureException.class);
  }

  @Test
  void skipSkips() throws Exception {
    BreakingMojo mojo = mojo("field_no_delete", "FILE");
    mojo.skip = true;
    mojo.execute();
  }

  @Test
  void badInputFailsTheGoalWithOneMessage() throws IOException {
    BreakingMojo mojo = mojo("field_no_delete", "LOOSE");
    assertThatThrownBy(mojo::execute)
        .isInstanceOf(MojoExecutionException.class)
        .hasMessage("category LOOSE is none of FILE, PACKAGE, WIRE_JSON, WIRE");

    mojo.category = "FILE";
    mojo.against = "missing.binpb";
    assertThatThrownBy(mojo::execute)
        .isInstanceOf(MojoExecutionException.class)
        .hasMessage(temp.resolve("missing.binpb") + " does not exist");
    assertThat(temp.resolve("missing.binpb")).doesNotExist();
  }
}
