package dev.trunk.codegen;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.compiler.PluginProtos.CodeGeneratorRequest;
import com.google.protobuf.compiler.PluginProtos.CodeGeneratorResponse;
import com.google.protobuf.compiler.PluginProtos.Version;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** The test protos under src/test/proto, protoc (from Maven Central) and the requests it gives. */
final class TestProtos {
  static final Path PROTOC = Path.of(System.getProperty("protoc.path"));
  static final Path INCLUDE = Path.of(System.getProperty("protoc.include"));
  static final Path PROTO_DIR = Path.of(System.getProperty("proto.dir"));
  static final Path GOLDEN_DIR = Path.of(System.getProperty("golden.dir"));
  static final Path WORK_DIR = Path.of(System.getProperty("work.dir"));

  private static CodeGeneratorRequest request;

  private TestProtos() {}

  /** The names of the test protos relative to src/test/proto, sorted. */
  static List<String> files() {
    try (Stream<Path> paths = Files.walk(PROTO_DIR)) {
      return paths
          .filter(p -> p.toString().endsWith(".proto"))
          .map(p -> PROTO_DIR.relativize(p).toString().replace('\\', '/'))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The request protoc would send for all test protos, built from a descriptor set with imports and
   * source info.
   */
  static synchronized CodeGeneratorRequest request() throws IOException {
    if (request == null) {
      Path descriptors = WORK_DIR.resolve("all.pb");
      List<String> args =
          new ArrayList<>(
              List.of(
                  "--include_imports",
                  "--include_source_info",
                  "--descriptor_set_out=" + descriptors));
      args.addAll(files());
      protoc(args);
      String version = protoc(List.of("--version")).trim();
      String[] numbers = version.substring(version.lastIndexOf(' ') + 1).split("\\.");
      request =
          CodeGeneratorRequest.newBuilder()
              .addAllFileToGenerate(files())
              .addAllProtoFile(
                  FileDescriptorSet.parseFrom(Files.readAllBytes(descriptors)).getFileList())
              .setCompilerVersion(
                  Version.newBuilder()
                      .setMinor(Integer.parseInt(numbers[0]))
                      .setPatch(Integer.parseInt(numbers[1])))
              .build();
    }
    return request;
  }

  /** The plugin's response to {@code request}, without its warnings. */
  static CodeGeneratorResponse generate(CodeGeneratorRequest request) {
    return TrunkCodegen.generate(request, warning -> {});
  }

  /**
   * Runs protoc with the test protos and the well-known types on its path and returns its standard
   * output; fails the test if protoc fails.
   */
  static String protoc(List<String> args) throws IOException {
    return runProtoc(args).stdout();
  }

  /** Like {@link #protoc} but returns protoc's standard error, where plugins' warnings appear. */
  static String protocErrors(List<String> args) throws IOException {
    return runProtoc(args).stderr();
  }

  private record Output(String stdout, String stderr) {}

  private static Output runProtoc(List<String> args) throws IOException {
    Files.createDirectories(WORK_DIR);
    assertThat(PROTOC.toFile().setExecutable(true)).isTrue();
    List<String> command =
        new ArrayList<>(List.of(PROTOC.toString(), "-I" + PROTO_DIR, "-I" + INCLUDE));
    command.addAll(args);
    Path stderr = Files.createTempFile(WORK_DIR, "protoc", ".err");
    Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
    String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      assertThat(process.waitFor())
          .as("protoc %s failed: %s", args, Files.readString(stderr))
          .isZero();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    return new Output(stdout, Files.readString(stderr));
  }

  /** The files under {@code directory} by path relative to it. */
  static Map<String, String> readTree(Path directory) throws IOException {
    Map<String, String> files = new TreeMap<>();
    if (!Files.isDirectory(directory)) {
      return files;
    }
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.filter(Files::isRegularFile).toList()) {
        files.put(directory.relativize(path).toString().replace('\\', '/'), Files.readString(path));
      }
    }
    return files;
  }

  /** A fresh empty directory under the work directory. */
  static Path freshDirectory(String name) throws IOException {
    Path directory = WORK_DIR.resolve(name);
    deleteTree(directory);
    return Files.createDirectories(directory);
  }

  /** Deletes {@code directory} and everything in it, if it exists. */
  static void deleteTree(Path directory) throws IOException {
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
        Files.delete(path);
      }
    }
  }
}
