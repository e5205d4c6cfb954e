package dev.trunk.cli;

import com.google.protobuf.AnyProto;
import com.google.protobuf.ApiProto;
import com.google.protobuf.DescriptorProtos;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DurationProto;
import com.google.protobuf.EmptyProto;
import com.google.protobuf.FieldMaskProto;
import com.google.protobuf.SourceContextProto;
import com.google.protobuf.StructProto;
import com.google.protobuf.TimestampProto;
import com.google.protobuf.TypeProto;
import com.google.protobuf.WrappersProto;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Builds {@link FileDescriptor}s from {@link FileDescriptorProto}s, dependencies first. A
 * well-known type's file the source did not send (servers often leave them out) is protobuf-java's
 * own.
 */
final class FileBuilder {
  private static final Map<String, FileDescriptor> WELL_KNOWN = wellKnown();

  private final Map<String, FileDescriptor> built = new HashMap<>(WELL_KNOWN);

  /** Builds {@code files} (and keeps them for later calls); returns every file built so far. */
  List<FileDescriptor> add(List<FileDescriptorProto> files) {
    Map<String, FileDescriptorProto> byName = new HashMap<>();
    for (FileDescriptorProto file : files) {
      byName.putIfAbsent(file.getName(), file);
    }
    for (FileDescriptorProto file : files) {
      build(file.getName(), byName);
    }
    return List.copyOf(built.values());
  }

  private FileDescriptor build(String name, Map<String, FileDescriptorProto> byName) {
    FileDescriptor done = built.get(name);
    if (done != null) {
      return done;
    }
    FileDescriptorProto proto = byName.get(name);
    if (proto == null) {
      throw new CliException(
          ExitCode.USAGE, "the schema lacks " + name + ", which another file imports");
    }
    FileDescriptor[] dependencies =
        proto.getDependencyList().stream()
            .map(dependency -> build(dependency, byName))
            .toArray(FileDescriptor[]::new);
    try {
      FileDescriptor file = FileDescriptor.buildFrom(proto, dependencies);
      built.put(name, file);
      return file;
    } catch (DescriptorValidationException e) {
      throw new CliException(
          ExitCode.USAGE, "invalid schema in " + name + ": " + e.getMessage(), e);
    }
  }

  private static Map<String, FileDescriptor> wellKnown() {
    Map<String, FileDescriptor> files = new HashMap<>();
    Stream.of(
            AnyProto.getDescriptor(),
            ApiProto.getDescriptor(),
            DescriptorProtos.getDescriptor(),
            DurationProto.getDescriptor(),
            EmptyProto.getDescriptor(),
            FieldMaskProto.getDescriptor(),
            SourceContextProto.getDescriptor(),
            StructProto.getDescriptor(),
            TimestampProto.getDescriptor(),
            TypeProto.getDescriptor(),
            WrappersProto.getDescriptor())
        .forEach(file -> files.put(file.getName(), file));
    return Map.copyOf(files);
  }
}
