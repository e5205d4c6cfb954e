package dev.trunk.internal.reflection;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every {@code .proto} file reachable from a set of root files (the services' schemas) through
 * their imports, indexed by file name, by the symbols they declare and by the extensions they
 * declare. Immutable after construction apart from a thread-safe cache of serialized files.
 *
 * <p>When two distinct files share a name, or two files declare the same symbol, the first one met
 * wins: roots in order, each followed depth-first by its imports.
 */
final class SchemaIndex {
  private final List<FileDescriptor> roots;
  private final Map<String, FileDescriptor> files = new LinkedHashMap<>();
  private final Map<String, FileDescriptor> symbols = new HashMap<>();
  private final Set<String> messageTypes = new HashSet<>();

  /** Extended message's full name → extension field number → declaring file. */
  private final Map<String, Map<Integer, FileDescriptor>> extensions = new HashMap<>();

  private final Map<String, ByteString> serialized = new ConcurrentHashMap<>();

  SchemaIndex(List<FileDescriptor> roots) {
    this.roots = List.copyOf(roots);
    for (FileDescriptor root : this.roots) {
      collect(root);
    }
  }

  /** Whether this index was built from exactly these files (the same instances, in order). */
  boolean isFor(List<FileDescriptor> otherRoots) {
    if (otherRoots.size() != roots.size()) {
      return false;
    }
    for (int i = 0; i < roots.size(); i++) {
      if (otherRoots.get(i) != roots.get(i)) {
        return false;
      }
    }
    return true;
  }

  /** The file with this name, e.g. {@code google/protobuf/struct.proto}. */
  Optional<FileDescriptor> file(String name) {
    return Optional.ofNullable(files.get(name));
  }

  /**
   * The file declaring this fully qualified symbol: a service, method, message (nested ones too),
   * field, oneof, enum, enum value or extension. A leading dot is ignored.
   */
  Optional<FileDescriptor> fileContainingSymbol(String symbol) {
    String name = symbol.startsWith(".") ? symbol.substring(1) : symbol;
    return Optional.ofNullable(symbols.get(name));
  }

  /** The file declaring the extension of {@code messageType} with this field number. */
  Optional<FileDescriptor> fileContainingExtension(String messageType, int number) {
    return Optional.ofNullable(extensions.getOrDefault(messageType, Map.of()).get(number));
  }

  /**
   * The field numbers of every known extension of {@code messageType}, ascending; empty if the
   * message type is not known at all.
   */
  Optional<List<Integer>> extensionNumbers(String messageType) {
    if (!messageTypes.contains(messageType)) {
      return Optional.empty();
    }
    return Optional.of(
        List.copyOf(new TreeMap<>(extensions.getOrDefault(messageType, Map.of())).keySet()));
  }

  /**
   * {@code file} and every file it imports, transitively, each once, as serialized {@code
   * FileDescriptorProto}s: {@code file} first, then its imports depth-first.
   */
  List<ByteString> withDependencies(FileDescriptor file) {
    List<ByteString> result = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    Deque<FileDescriptor> pending = new ArrayDeque<>();
    pending.push(file);
    while (!pending.isEmpty()) {
      FileDescriptor next = pending.pop();
      if (!seen.add(next.getName())) {
        continue;
      }
      result.add(serialized.computeIfAbsent(next.getName(), name -> next.toProto().toByteString()));
      List<FileDescriptor> imports = new ArrayList<>(next.getDependencies());
      Collections.reverse(imports); // so they pop in declaration order
      imports.forEach(pending::push);
    }
    return result;
  }

  private void collect(FileDescriptor root) {
    Deque<FileDescriptor> pending = new ArrayDeque<>();
    pending.push(root);
    while (!pending.isEmpty()) {
      FileDescriptor file = pending.pop();
      if (files.putIfAbsent(file.getName(), file) != null) {
        continue;
      }
      indexFile(file);
      List<FileDescriptor> imports = new ArrayList<>(file.getDependencies());
      Collections.reverse(imports);
      imports.forEach(pending::push);
    }
  }

  private void indexFile(FileDescriptor file) {
    for (ServiceDescriptor service : file.getServices()) {
      symbol(service.getFullName(), file);
      for (MethodDescriptor method : service.getMethods()) {
        symbol(method.getFullName(), file);
      }
    }
    for (Descriptor message : file.getMessageTypes()) {
      indexMessage(message, file);
    }
    for (EnumDescriptor enumType : file.getEnumTypes()) {
      indexEnum(enumType, file.getPackage(), file);
    }
    for (FieldDescriptor extension : file.getExtensions()) {
      indexExtension(extension, file);
    }
  }

  private void indexMessage(Descriptor message, FileDescriptor file) {
    symbol(message.getFullName(), file);
    messageTypes.add(message.getFullName());
    for (FieldDescriptor field : message.getFields()) {
      symbol(field.getFullName(), file);
    }
    for (OneofDescriptor oneof : message.getOneofs()) {
      symbol(oneof.getFullName(), file);
    }
    for (Descriptor nested : message.getNestedTypes()) {
      indexMessage(nested, file);
    }
    for (EnumDescriptor enumType : message.getEnumTypes()) {
      indexEnum(enumType, message.getFullName(), file);
    }
    for (FieldDescriptor extension : message.getExtensions()) {
      indexExtension(extension, file);
    }
  }

  /** {@code scope} is the package or message that declares the enum. */
  private void indexEnum(EnumDescriptor enumType, String scope, FileDescriptor file) {
    symbol(enumType.getFullName(), file);
    for (EnumValueDescriptor value : enumType.getValues()) {
      // protoc scopes enum values as siblings of their enum (pkg.VALUE); protobuf-java names them
      // as its children (pkg.Enum.VALUE). Clients may ask for either.
      symbol(value.getFullName(), file);
      symbol(scope.isEmpty() ? value.getName() : scope + "." + value.getName(), file);
    }
  }

  private void indexExtension(FieldDescriptor extension, FileDescriptor file) {
    symbol(extension.getFullName(), file);
    extensions
        .computeIfAbsent(extension.getContainingType().getFullName(), type -> new HashMap<>())
        .putIfAbsent(extension.getNumber(), file);
  }

  private void symbol(String fullName, FileDescriptor file) {
    symbols.putIfAbsent(fullName, file);
  }
}
