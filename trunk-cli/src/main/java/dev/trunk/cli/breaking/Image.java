package dev.trunk.cli.breaking;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import dev.trunk.cli.CliException;
import dev.trunk.cli.ExitCode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One side of a breaking check: the resolved descriptors of a schema, and which of its files are
 * the input's own (as opposed to imports such as the well-known types).
 */
public final class Image {
  private final Map<String, FileDescriptor> files;
  private final Set<String> own;

  private Image(Map<String, FileDescriptor> files, Set<String> own) {
    this.files = files;
    this.own = own;
  }

  /**
   * Resolves {@code set}; {@code own} names the files the input itself holds (the others are only
   * there because they are imported).
   *
   * @throws CliException if a file imports one the set lacks, or the descriptors do not resolve
   */
  public static Image of(FileDescriptorSet set, Set<String> own) {
    Map<String, FileDescriptorProto> protos = new LinkedHashMap<>();
    for (FileDescriptorProto proto : set.getFileList()) {
      protos.put(proto.getName(), proto);
    }
    Map<String, FileDescriptor> built = new LinkedHashMap<>();
    for (String name : protos.keySet()) {
      build(name, protos, built, new HashSet<>());
    }
    return new Image(built, Set.copyOf(own));
  }

  /** Every file of {@code set} is the input's own. */
  public static Image of(FileDescriptorSet set) {
    Set<String> names = new HashSet<>();
    set.getFileList().forEach(f -> names.add(f.getName()));
    return of(set, names);
  }

  /** The descriptor of {@code name}, an own file or an import; null if absent. */
  FileDescriptor file(String name) {
    return files.get(name);
  }

  /** Whether the image holds {@code name} at all, as an own file or as an import. */
  boolean contains(String name) {
    return files.containsKey(name);
  }

  /** Whether {@code name} is one of the input's own files. */
  boolean isOwn(String name) {
    return own.contains(name);
  }

  /** The names of the input's own files. */
  Set<String> own() {
    return own;
  }

  private static FileDescriptor build(
      String name,
      Map<String, FileDescriptorProto> protos,
      Map<String, FileDescriptor> built,
      Set<String> visiting) {
    FileDescriptor done = built.get(name);
    if (done != null) {
      return done;
    }
    FileDescriptorProto proto = protos.get(name);
    if (!visiting.add(name)) {
      throw new CliException(ExitCode.USAGE, "the descriptor set has an import cycle at " + name);
    }
    List<FileDescriptor> dependencies = new ArrayList<>();
    for (String dependency : proto.getDependencyList()) {
      if (!protos.containsKey(dependency)) {
        throw new CliException(
            ExitCode.USAGE,
            "the descriptor set lacks "
                + dependency
                + ", imported by "
                + name
                + " (write the set with its imports, protoc --include_imports)");
      }
      dependencies.add(build(dependency, protos, built, visiting));
    }
    try {
      FileDescriptor file =
          FileDescriptor.buildFrom(proto, dependencies.toArray(new FileDescriptor[0]));
      built.put(name, file);
      return file;
    } catch (DescriptorValidationException e) {
      throw new CliException(
          ExitCode.USAGE, "the descriptors of " + name + " are invalid: " + e.getMessage(), e);
    }
  }
}
