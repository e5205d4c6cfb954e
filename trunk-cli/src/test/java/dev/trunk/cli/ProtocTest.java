package dev.trunk.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProtocTest {
  @TempDir Path root;

  @Test
  void compilesFilesWithTheirImportsAndLineNumbers() throws IOException {
    write(
        "shop/v1/shop.proto",
        """
        syntax = "proto3";
        package shop.v1;
        import "google/protobuf/timestamp.proto";

        message Order {
          string id = 1;
          google.protobuf.Timestamp placed = 2;
        }
        """);

    FileDescriptorSet set = Protoc.compile(List.of(root), Protoc.protoFiles(root));

    assertThat(set.getFileList())
        .extracting(FileDescriptorProto::getName)
        .containsExactly("google/protobuf/timestamp.proto", "shop/v1/shop.proto");
    FileDescriptorProto shop = set.getFile(1);
    assertThat(shop.getMessageType(0).getName()).isEqualTo("Order");
    // The message's location: path [4 (message_type), 0]; span[0] is its zero-based line.
    assertThat(shop.getSourceCodeInfo().getLocationList())
        .anySatisfy(
            location -> {
              assertThat(location.getPathList()).containsExactly(4, 0);
              assertThat(location.getSpan(0)).isEqualTo(4);
            });
  }

  @Test
  void aFileThatDoesNotCompileNamesItsFirstErrorWithFileAndLine() throws IOException {
    write("bad.proto", "syntax = \"proto3\";\nmessage Broken {\n  strin name = 1;\n}\n");

    assertThatThrownBy(() -> Protoc.compile(List.of(root), List.of("bad.proto")))
        .isInstanceOfSatisfying(
            CliException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE))
        .hasMessageStartingWith("the .proto files do not compile: ")
        .hasMessageMatching(".*bad\\.proto:3:\\d+: \"strin\" is not defined\\.");
  }

  @Test
  void aMissingDirectoryIsNamed() {
    Path missing = root.resolve("nowhere");
    assertThatThrownBy(() -> Protoc.protoFiles(missing))
        .isInstanceOf(CliException.class)
        .hasMessage(missing + " is not a directory");
  }

  private void write(String name, String text) throws IOException {
    Path file = root.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }
}
