package dev.trunk.cli;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A schema from {@code .proto} files or protosets: every file known up front. */
final class FileSource implements SchemaSource {
  private final List<FileDescriptorProto> files;
  private final List<String> services = new ArrayList<>();
  private final Map<String, String> fileOfSymbol = new HashMap<>();

  FileSource(FileDescriptorSet set) {
    this.files = set.getFileList();
    for (FileDescriptor file : new FileBuilder().add(files)) {
      index(file);
    }
  }

  @Override
  public List<String> services() {
    return services.stream().sorted().toList();
  }

  @Override
  public List<FileDescriptorProto> filesContaining(String symbol) {
    return fileOfSymbol.containsKey(symbol) ? files : List.of();
  }

  private void index(FileDescriptor file) {
    for (ServiceDescriptor service : file.getServices()) {
      services.add(service.getFullName());
      fileOfSymbol.put(service.getFullName(), file.getName());
      service.getMethods().forEach(m -> fileOfSymbol.put(m.getFullName(), file.getName()));
    }
    List<Descriptor> messages = new ArrayList<>(file.getMessageTypes());
    while (!messages.isEmpty()) {
      Descriptor message = messages.removeLast();
      fileOfSymbol.put(message.getFullName(), file.getName());
      messages.addAll(message.getNestedTypes());
      message.getEnumTypes().forEach(e -> fileOfSymbol.put(e.getFullName(), file.getName()));
    }
    for (EnumDescriptor e : file.getEnumTypes()) {
      fileOfSymbol.put(e.getFullName(), file.getName());
    }
  }
}
