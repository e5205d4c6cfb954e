package dev.trunk.cli;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.GenericDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.TypeRegistry;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The services, methods and types a command works with, loaded from a {@link SchemaSource} as they
 * are needed. Lookups of unknown names fail with one line naming the name and the close
 * alternatives.
 */
public final class Schema {
  /** Largest edit distance at which a known name is offered as "did you mean". */
  private static final int SUGGESTION_DISTANCE = 3;

  private final SchemaSource source;
  private final FileBuilder builder = new FileBuilder();
  private final Map<String, GenericDescriptor> symbols = new HashMap<>();
  private final Map<String, FileDescriptor> files = new HashMap<>();

  Schema(SchemaSource source) {
    this.source = source;
  }

  /** The fully qualified names of the services, sorted. */
  public List<String> services() {
    return source.services();
  }

  /** The service named {@code name}, or a failure naming it and the known services. */
  ServiceDescriptor service(String name) {
    if (find(name) instanceof ServiceDescriptor service) {
      return service;
    }
    throw new CliException(
        ExitCode.USAGE, "unknown service " + name + suggest(name, services(), "services"));
  }

  /**
   * The method {@code spec} names: {@code package.Service/Method} or {@code
   * package.Service.Method}.
   */
  public DynamicMethod method(String spec) {
    int slash = spec.lastIndexOf('/');
    int split = slash >= 0 ? slash : spec.lastIndexOf('.');
    if (split <= 0 || split == spec.length() - 1) {
      throw new CliException(
          ExitCode.USAGE, "'" + spec + "' is not a method: give SERVICE/METHOD, e.g. pkg.Svc/Call");
    }
    ServiceDescriptor service = service(spec.substring(0, split));
    String name = spec.substring(split + 1);
    MethodDescriptor method = service.findMethodByName(name);
    if (method == null) {
      List<String> known = service.getMethods().stream().map(MethodDescriptor::getName).toList();
      throw new CliException(
          ExitCode.USAGE,
          "service "
              + service.getFullName()
              + " has no method "
              + name
              + suggest(name, known, "methods"));
    }
    return DynamicMethod.of(method);
  }

  /** The service, method, message or enum of this fully qualified name. */
  GenericDescriptor symbol(String name) {
    String bare = name.startsWith(".") ? name.substring(1) : name;
    GenericDescriptor found = find(bare);
    if (found == null) {
      throw new CliException(
          ExitCode.USAGE,
          "unknown symbol "
              + bare
              + " (give a fully qualified service, method, message or enum)"
              + suggest(bare, services(), "services"));
    }
    return found;
  }

  /** Every message type loaded so far and the common google.rpc ones, for {@code Any} in JSON. */
  public TypeRegistry typeRegistry() {
    TypeRegistry.Builder registry = TypeRegistry.newBuilder().add(ErrorDetails.types());
    for (FileDescriptor file : files.values()) {
      registry.add(file.getMessageTypes());
    }
    return registry.build();
  }

  private @Nullable GenericDescriptor find(String name) {
    GenericDescriptor known = symbols.get(name);
    if (known != null) {
      return known;
    }
    for (FileDescriptor file : builder.add(source.filesContaining(name))) {
      index(file);
    }
    return symbols.get(name);
  }

  private void index(FileDescriptor file) {
    if (files.putIfAbsent(file.getName(), file) != null) {
      return;
    }
    for (ServiceDescriptor service : file.getServices()) {
      symbols.put(service.getFullName(), service);
      for (MethodDescriptor method : service.getMethods()) {
        symbols.put(method.getFullName(), method);
      }
    }
    file.getMessageTypes().forEach(this::index);
    file.getEnumTypes().forEach(e -> symbols.put(e.getFullName(), e));
  }

  private void index(Descriptor message) {
    symbols.put(message.getFullName(), message);
    message.getNestedTypes().forEach(this::index);
    for (EnumDescriptor nested : message.getEnumTypes()) {
      symbols.put(nested.getFullName(), nested);
    }
  }

  /** "; did you mean X?" for close names, else "; known KIND: a, b". */
  private static String suggest(String name, List<String> known, String kind) {
    List<String> close =
        known.stream()
            .filter(k -> distance(simple(k), simple(name)) <= SUGGESTION_DISTANCE)
            .sorted(Comparator.comparingInt(k -> distance(simple(k), simple(name))))
            .toList();
    if (!close.isEmpty()) {
      return "; did you mean " + String.join(" or ", close) + "?";
    }
    return known.isEmpty()
        ? "; the server lists none"
        : "; known " + kind + ": " + String.join(", ", known);
  }

  private static String simple(String name) {
    return name.substring(name.lastIndexOf('.') + 1).toLowerCase(java.util.Locale.ROOT);
  }

  /** Levenshtein distance. */
  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
