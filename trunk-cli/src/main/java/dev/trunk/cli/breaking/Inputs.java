package dev.trunk.cli.breaking;

import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.ExtensionRegistry;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.trunk.cli.CliException;
import dev.trunk.cli.ExitCode;
import dev.trunk.cli.Protoc;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Reads the two sides of a breaking check: a directory of {@code .proto} files (compiled with
 * protoc, the directory being an import path), a descriptor set file, or {@code git:REF}, the
 * current input's path as it was at a revision of the git repository holding it.
 */
public final class Inputs {
  /** The prefix of a git revision input. */
  public static final String GIT_PREFIX = "git:";

  /** How long a git command may run before it is killed. */
  static final long GIT_TIMEOUT_SECONDS = 120;

  private Inputs() {}

  /**
   * Loads {@code spec}: a path, or {@code git:REF} meaning {@code current} at {@code REF}. {@code
   * importPaths} are added to a directory's own import path.
   */
  public static Image load(String spec, Path current, List<Path> importPaths) {
    if (!spec.startsWith(GIT_PREFIX)) {
      return load(Path.of(spec), importPaths);
    }
    String ref = spec.substring(GIT_PREFIX.length());
    if (ref.isBlank()) {
      throw new CliException(ExitCode.USAGE, "'" + spec + "' names no git revision");
    }
    Path work = temporaryDirectory();
    try {
      return load(GitTree.extract(current, ref, work), importPaths);
    } finally {
      deleteTree(work);
    }
  }

  /** Loads a directory of {@code .proto} files or a descriptor set file. */
  public static Image load(Path path, List<Path> importPaths) {
    if (Files.isDirectory(path)) {
      return compile(path, importPaths);
    }
    if (!Files.isRegularFile(path)) {
      throw new CliException(ExitCode.USAGE, path + " does not exist");
    }
    try {
      byte[] bytes = Files.readAllBytes(path);
      return Image.of(FileDescriptorSet.parseFrom(bytes, ExtensionRegistry.getEmptyRegistry()));
    } catch (InvalidProtocolBufferException e) {
      throw new CliException(
          ExitCode.USAGE, path + " is not a descriptor set: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new CliException(ExitCode.USAGE, "cannot read " + path + ": " + e.getMessage(), e);
    }
  }

  private static Image compile(Path directory, List<Path> importPaths) {
    List<String> files = Protoc.protoFiles(directory);
    if (files.isEmpty()) {
      throw new CliException(ExitCode.USAGE, directory + " holds no .proto files");
    }
    List<Path> paths = new ArrayList<>();
    paths.add(directory);
    paths.addAll(importPaths);
    return Image.of(Protoc.compile(paths, files), new HashSet<>(files));
  }

  /** Runs {@code command} in {@code directory}; its standard output, or a one-line failure. */
  static String run(List<String> command, Path directory, String failure) {
    try {
      Path errors = Files.createTempFile("trunk-git", ".err");
      try {
        Process process =
            new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectError(errors.toFile())
                .start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(GIT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new CliException(ExitCode.USAGE, failure + ": timed out");
        }
        if (process.exitValue() != 0) {
          String err = Files.readString(errors).strip();
          String first =
              err.isEmpty()
                  ? "exit code " + process.exitValue()
                  : err.lines().findFirst().orElse("");
          throw new CliException(ExitCode.USAGE, failure + ": " + first);
        }
        return out;
      } finally {
        Files.deleteIfExists(errors);
      }
    } catch (IOException e) {
      throw new CliException(ExitCode.USAGE, failure + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCode.USAGE, failure + ": interrupted", e);
    }
  }

  private static Path temporaryDirectory() {
    try {
      return Files.createTempDirectory("trunk-breaking");
    } catch (IOException e) {
      throw new CliException(ExitCode.USAGE, "cannot create a temporary directory: " + e, e);
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // A leftover temporary directory is harmless; the check's result stands.
    }
  }
}
