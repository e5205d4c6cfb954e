package dev.trunk.cli;

import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.ExtensionRegistry;
import com.google.protobuf.RuntimeVersion;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Compiles {@code .proto} files into a {@link FileDescriptorSet} (with imports and source
 * locations) by running protoc: {@code $TRUNK_PROTOC} if set, else the protoc bundled in trunk.jar
 * (extracted once into a cache directory), else {@code protoc} on the PATH.
 *
 * <p>The well-known types ({@code google/protobuf/*.proto}) are always importable: they come from
 * protobuf-java and are extracted next to the bundled protoc.
 *
 * <p>Errors: files that do not compile give a {@link CliException} ({@link ExitCode#USAGE}) whose
 * message is protoc's first error ({@code file:line:column: message}); no protoc at all gives one
 * naming {@code TRUNK_PROTOC}.
 */
public final class Protoc {
  /** How long protoc may run before it is killed. */
  static final long TIMEOUT_SECONDS = 120;

  private static final String BUNDLED = "protoc/protoc.exe";

  private static final List<String> WELL_KNOWN =
      List.of(
          "any",
          "api",
          "descriptor",
          "duration",
          "empty",
          "field_mask",
          "source_context",
          "struct",
          "timestamp",
          "type",
          "wrappers");

  private Protoc() {}

  /**
   * Compiles {@code files} (paths relative to one of {@code importPaths}) with every file they
   * import, keeping source locations (line numbers of each element).
   */
  public static FileDescriptorSet compile(List<Path> importPaths, List<String> files) {
    if (files.isEmpty()) {
      throw new CliException(ExitCode.USAGE, "no .proto files to compile");
    }
    try {
      Path work = Files.createTempDirectory("trunk-protoc");
      try {
        return run(importPaths, files, work);
      } finally {
        deleteTree(work);
      }
    } catch (IOException e) {
      throw new CliException(ExitCode.USAGE, "cannot run protoc: " + e.getMessage(), e);
    }
  }

  /** Every {@code .proto} file under {@code root}, relative to it, sorted. */
  public static List<String> protoFiles(Path root) {
    if (!Files.isDirectory(root)) {
      throw new CliException(ExitCode.USAGE, root + " is not a directory");
    }
    try (var paths = Files.walk(root)) {
      return paths
          .filter(p -> p.toString().endsWith(".proto") && Files.isRegularFile(p))
          .map(p -> root.relativize(p).toString().replace('\\', '/'))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new CliException(ExitCode.USAGE, "cannot list " + root + ": " + e.getMessage(), e);
    }
  }

  private static FileDescriptorSet run(List<Path> importPaths, List<String> files, Path work)
      throws IOException {
    Tool tool = locate();
    Path out = work.resolve("set.pb");
    List<String> command = new ArrayList<>();
    command.add(tool.executable().toString());
    command.add("--include_imports");
    command.add("--include_source_info");
    command.add("--descriptor_set_out=" + out);
    for (Path path : importPaths) {
      command.add("--proto_path=" + path);
    }
    if (tool.wellKnown() != null) {
      command.add("--proto_path=" + tool.wellKnown());
    }
    command.addAll(files);
    Process process =
        new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    String errors = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new CliException(
            ExitCode.USAGE, "protoc did not finish in " + TIMEOUT_SECONDS + " s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new CliException(ExitCode.USAGE, "interrupted while protoc ran", e);
    }
    if (process.exitValue() != 0) {
      throw new CliException(ExitCode.USAGE, "the .proto files do not compile: " + first(errors));
    }
    return FileDescriptorSet.parseFrom(
        Files.readAllBytes(out), ExtensionRegistry.getEmptyRegistry());
  }

  private static String first(String errors) {
    String[] lines = errors.strip().split("\\R");
    String first = lines[0].isEmpty() ? "protoc failed without a message" : lines[0];
    return lines.length > 1 ? first + " (and " + (lines.length - 1) + " more lines)" : first;
  }

  /** A protoc binary, and a directory holding the well-known types when it needs one. */
  private record Tool(Path executable, @Nullable Path wellKnown) {}

  private static Tool locate() throws IOException {
    String configured = System.getenv("TRUNK_PROTOC");
    if (configured != null && !configured.isBlank()) {
      return new Tool(Path.of(configured), extractWellKnown());
    }
    Path bundled = extractBundled();
    if (bundled != null) {
      return new Tool(bundled, extractWellKnown());
    }
    Path onPath = onPath("protoc");
    if (onPath != null) {
      return new Tool(onPath, extractWellKnown());
    }
    throw new CliException(
        ExitCode.USAGE,
        "no protoc for this platform in trunk.jar and none on the PATH: set TRUNK_PROTOC to a"
            + " protoc binary");
  }

  private static @Nullable Path extractBundled() throws IOException {
    try (InputStream in = Protoc.class.getResourceAsStream(BUNDLED)) {
      if (in == null) {
        return null;
      }
      Path target = cacheDirectory().resolve("protoc");
      if (!Files.isExecutable(target)) {
        Path partial = Files.createTempFile(cacheDirectory(), "protoc", ".partial");
        Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.move(
            partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
      return target;
    }
  }

  private static Path extractWellKnown() throws IOException {
    Path include = cacheDirectory().resolve("include");
    for (String name : WELL_KNOWN) {
      String resource = "/google/protobuf/" + name + ".proto";
      Path target = include.resolve(resource.substring(1));
      if (Files.exists(target)) {
        continue;
      }
      try (InputStream in = Protoc.class.getResourceAsStream(resource)) {
        if (in == null) {
          continue;
        }
        Files.createDirectories(target.getParent());
        Path partial = Files.createTempFile(target.getParent(), name, ".partial");
        Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
        Files.move(
            partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
    }
    return include;
  }

  /** A directory per protobuf version, so that a newer jar never runs an older jar's protoc. */
  private static Path cacheDirectory() throws IOException {
    String base = System.getenv("XDG_CACHE_HOME");
    Path root =
        base != null && !base.isBlank()
            ? Path.of(base)
            : Path.of(System.getProperty("user.home"), ".cache");
    String version = RuntimeVersion.MAJOR + "." + RuntimeVersion.MINOR + "." + RuntimeVersion.PATCH;
    Path directory = root.resolve("trunk").resolve("protoc-" + version);
    Files.createDirectories(directory);
    return directory;
  }

  private static @Nullable Path onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String directory : path.split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(directory, name);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  private static void deleteTree(Path root) throws IOException {
    try (var paths = Files.walk(root)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
