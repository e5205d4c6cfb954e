package dev.trunk.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * list and describe, with the schema from reflection or from files; a server without reflection.
 */
class ListDescribeTest {
  /** The test proto, relative to the module directory (the tests' working directory). */
  private static final String PROTO_ROOT = "src/test/proto";

  private static final String PROTO = "trunk/cli/test/echo.proto";

  private static EchoServer reflecting;
  private static EchoServer silent;

  @BeforeAll
  static void start() throws Exception {
    reflecting = EchoServer.start(true, null);
    silent = EchoServer.start(false, null);
  }

  @AfterAll
  static void stop() {
    reflecting.close();
    silent.close();
  }

  @Test
  void listNamesTheServicesFromReflection() {
    Cli cli = Cli.run("list", "--plaintext", reflecting.target());
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.lines()).contains("trunk.cli.test.Echo").isSorted();
  }

  @Test
  void listOfAServiceNamesItsMethods() {
    Cli cli = Cli.run("list", "--plaintext", reflecting.target(), "trunk.cli.test.Echo");
    assertThat(cli.lines())
        .containsExactly(
            "trunk.cli.test.Echo.Unary",
            "trunk.cli.test.Echo.Repeat",
            "trunk.cli.test.Echo.Collect",
            "trunk.cli.test.Echo.Chat",
            "trunk.cli.test.Echo.Fail");
  }

  @Test
  void describeAServicePrintsItsRpcs() {
    Cli cli = Cli.run("describe", "--plaintext", reflecting.target(), "trunk.cli.test.Echo");
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.out())
        .startsWith("// trunk.cli.test.Echo is a service in trunk/cli/test/echo.proto\n")
        .contains("service Echo {\n")
        .contains(
            "  rpc Chat(stream .trunk.cli.test.EchoRequest) returns (stream"
                + " .trunk.cli.test.EchoReply);\n");
  }

  @Test
  void describeAMessagePrintsItsFields() {
    Cli cli = Cli.run("describe", "--plaintext", reflecting.target(), "trunk.cli.test.EchoReply");
    assertThat(cli.out())
        .contains("message EchoReply {\n")
        .contains("  map<string, string> headers = 3;\n")
        .contains("  .google.protobuf.Any attachment = 4;\n")
        .doesNotContain("HeadersEntry");
  }

  @Test
  void describeAnEnumAndAMethod() {
    assertThat(Cli.run("describe", "--plaintext", reflecting.target(), "trunk.cli.test.Mood").out())
        .contains("enum Mood {\n  MOOD_UNSPECIFIED = 0;\n  MOOD_HAPPY = 1;\n}\n");
    assertThat(
            Cli.run("describe", "--plaintext", reflecting.target(), "trunk.cli.test.Echo.Repeat")
                .out())
        .contains(
            "rpc Repeat(.trunk.cli.test.EchoRequest) returns (stream .trunk.cli.test.EchoReply);");
  }

  @Test
  void describeAnUnknownSymbolIsOneLine() {
    Cli cli = Cli.run("describe", "--plaintext", reflecting.target(), "trunk.cli.test.Nope");
    assertThat(cli.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(cli.err()).startsWith("trunk: unknown symbol trunk.cli.test.Nope").hasLineCount(1);
  }

  @Test
  void aServerWithoutReflectionAndNoProtoSaysSo() {
    Cli cli = Cli.run("list", "--plaintext", silent.target());
    assertThat(cli.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(cli.err())
        .isEqualTo(
            "trunk: the server does not offer reflection (grpc.reflection.v1 and v1alpha are"
                + " UNIMPLEMENTED): give the schema with --proto or --protoset\n");
  }

  @Test
  void protoFilesReplaceReflection() {
    Cli cli =
        Cli.run(
            "call",
            "--plaintext",
            silent.target(),
            "trunk.cli.test.Echo/Unary",
            "--import-path",
            PROTO_ROOT,
            "--proto",
            PROTO,
            "-d",
            "{\"text\":\"from proto\"}");
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.lines()).containsExactly("{\"text\":\"from proto\"}");
  }

  @Test
  void aProtosetReplacesReflection(@TempDir Path dir) throws Exception {
    FileDescriptorSet set = Protoc.compile(List.of(Path.of(PROTO_ROOT)), List.of(PROTO));
    Path protoset = dir.resolve("echo.protoset");
    Files.write(protoset, set.toByteArray());
    Cli cli = Cli.run("list", "--plaintext", silent.target(), "--protoset", protoset.toString());
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.lines()).containsExactly("trunk.cli.test.Echo");
  }

  @Test
  void aProtoThatDoesNotCompileIsOneLine(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("bad.proto"), "syntax = \"proto3\";\nmessage {\n");
    Cli cli =
        Cli.run(
            "list",
            "--plaintext",
            silent.target(),
            "--import-path",
            dir.toString(),
            "--proto",
            "bad.proto");
    assertThat(cli.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(cli.err())
        .startsWith("trunk: the .proto files do not compile: ")
        .contains("bad.proto:2:9: Expected message name.")
        .hasLineCount(1);
  }
}
