package dev.trunk.cli;

import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.ExtensionRegistry;
import dev.trunk.Channel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Where the schema comes from, as a picocli mixin: {@code .proto} files ({@code --proto}, compiled
 * with the bundled protoc against {@code --import-path}), descriptor sets ({@code --protoset}), or,
 * with neither, the server's reflection service.
 */
public final class SchemaOptions {
  /** The import path when none is given: the working directory, as grpcurl does. */
  private static final Path DEFAULT_IMPORT_PATH = Path.of(".");

  @Option(
      names = "--proto",
      paramLabel = "FILE",
      description = "A .proto file with the services (repeatable); no reflection is used.")
  List<Path> protos = new ArrayList<>();

  @Option(
      names = "--import-path",
      paramLabel = "DIR",
      description = "Where --proto files and their imports are found (repeatable; default .).")
  List<Path> importPaths = new ArrayList<>();

  @Option(
      names = "--protoset",
      paramLabel = "FILE",
      description = "A FileDescriptorSet (protoc --descriptor_set_out) (repeatable).")
  List<Path> protosets = new ArrayList<>();

  /** The schema: from the files if any are given, else from {@code channel}'s reflection. */
  public Schema load(Channel channel, ConnectionOptions connection) {
    if (protos.isEmpty() && protosets.isEmpty()) {
      return new Schema(new ReflectionSource(channel, connection::callOptions));
    }
    FileDescriptorSet.Builder set = FileDescriptorSet.newBuilder();
    if (!protos.isEmpty()) {
      List<Path> paths = importPaths.isEmpty() ? List.of(DEFAULT_IMPORT_PATH) : importPaths;
      set.addAllFile(
          Protoc.compile(paths, protos.stream().map(Path::toString).toList()).getFileList());
    }
    for (Path protoset : protosets) {
      set.addAllFile(read(protoset).getFileList());
    }
    return new Schema(new FileSource(set.build()));
  }

  private static FileDescriptorSet read(Path protoset) {
    try {
      return FileDescriptorSet.parseFrom(
          Files.readAllBytes(protoset), ExtensionRegistry.getEmptyRegistry());
    } catch (IOException e) {
      throw new CliException(
          ExitCode.USAGE, "cannot read protoset " + protoset + ": " + e.getMessage(), e);
    }
  }
}
