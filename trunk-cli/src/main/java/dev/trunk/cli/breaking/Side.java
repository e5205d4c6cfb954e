package dev.trunk.cli.breaking;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The compared files of one side, with their elements indexed by full name. */
final class Side {
  final Map<String, FileDescriptor> files = new LinkedHashMap<>();
  final Map<String, Descriptor> messages = new LinkedHashMap<>();
  final Map<String, EnumDescriptor> enums = new LinkedHashMap<>();
  final Map<String, ServiceDescriptor> services = new LinkedHashMap<>();
  final Map<String, FieldDescriptor> extensions = new LinkedHashMap<>();
  final Map<String, List<FileDescriptor>> packages = new LinkedHashMap<>();

  Side(List<FileDescriptor> compared) {
    for (FileDescriptor file : compared) {
      files.put(file.getName(), file);
      packages.computeIfAbsent(file.getPackage(), p -> new ArrayList<>()).add(file);
      file.getMessageTypes().forEach(this::addMessage);
      file.getEnumTypes().forEach(e -> enums.put(e.getFullName(), e));
      file.getServices().forEach(s -> services.put(s.getFullName(), s));
      file.getExtensions().forEach(this::addExtension);
    }
  }

  /** The key pairing an extension with its counterpart: the extended type and the number. */
  static String extensionKey(FieldDescriptor extension) {
    return extension.getContainingType().getFullName() + "#" + extension.getNumber();
  }

  /** A full name without the file's package: buf's "nested name". */
  static String nestedName(String fullName, FileDescriptor file) {
    String prefix = file.getPackage().isEmpty() ? "" : file.getPackage() + ".";
    return fullName.substring(prefix.length());
  }

  /** Every message of {@code file} (nested ones and map entries too) by nested name. */
  static Map<String, Descriptor> nestedMessages(FileDescriptor file) {
    Map<String, Descriptor> result = new LinkedHashMap<>();
    Side side = new Side(List.of(file));
    side.messages.forEach((name, m) -> result.put(nestedName(name, file), m));
    return result;
  }

  /** Every enum of {@code file} by nested name. */
  static Map<String, EnumDescriptor> nestedEnums(FileDescriptor file) {
    Map<String, EnumDescriptor> result = new LinkedHashMap<>();
    Side side = new Side(List.of(file));
    side.enums.forEach((name, e) -> result.put(nestedName(name, file), e));
    return result;
  }

  /** Every extension of {@code file} by nested name. */
  static Map<String, FieldDescriptor> nestedExtensions(FileDescriptor file) {
    Map<String, FieldDescriptor> result = new LinkedHashMap<>();
    Side side = new Side(List.of(file));
    side.extensions.values().forEach(x -> result.put(nestedName(x.getFullName(), file), x));
    return result;
  }

  private void addMessage(Descriptor message) {
    messages.put(message.getFullName(), message);
    message.getNestedTypes().forEach(this::addMessage);
    message.getEnumTypes().forEach(e -> enums.put(e.getFullName(), e));
    message.getExtensions().forEach(this::addExtension);
  }

  private void addExtension(FieldDescriptor extension) {
    extensions.put(extensionKey(extension), extension);
  }
}
