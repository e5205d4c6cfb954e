package dev.trunk.codegen;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The names protobuf's Java generator gives to the files and messages of a request (editions up to
 * 2023):
 *
 * <ul>
 *   <li>Java package: {@code java_package}, else the proto package, else the default package.
 *   <li>Outer class: {@code java_outer_classname}, else the file's base name without {@code .proto}
 *       in UpperCamelCase ({@code route_guide.proto} gives {@code RouteGuide}), with {@code
 *       OuterClass} appended when a message (at any depth), enum or service of the file has exactly
 *       that name.
 *   <li>Message: nested in the outer class unless {@code java_multiple_files}; a nested message is
 *       nested in its parent's class ({@code Outer.Inner}).
 * </ul>
 */
final class JavaNames {
  private final Map<String, String> messageClasses = new HashMap<>();
  private final Set<String> deprecatedMessages = new HashSet<>();
  private final Map<String, Map<String, String>> topLevelClasses = new HashMap<>();

  /** The names of every message of {@code files} (a request's proto_file). */
  JavaNames(List<FileDescriptorProto> files) {
    for (FileDescriptorProto file : files) {
      String javaPackage = javaPackage(file);
      String outer = outerClassName(file);
      boolean multipleFiles = file.getOptions().getJavaMultipleFiles();
      Map<String, String> classes =
          topLevelClasses.computeIfAbsent(javaPackage, p -> new HashMap<>());
      classes.putIfAbsent(outer, "the outer class protobuf generates for " + file.getName());
      String protoPrefix = file.getPackage().isEmpty() ? "." : "." + file.getPackage() + ".";
      String javaPrefix =
          multipleFiles ? qualify(javaPackage, "") : qualify(javaPackage, outer + ".");
      for (DescriptorProto message : file.getMessageTypeList()) {
        index(message, protoPrefix, javaPrefix, file.getOptions().getDeprecated());
        if (multipleFiles) {
          String proto = protoName(file, message.getName());
          classes.putIfAbsent(message.getName(), "the class of message " + proto);
          classes.putIfAbsent(
              message.getName() + "OrBuilder",
              "the OrBuilder interface protobuf generates for message " + proto);
        }
      }
      if (multipleFiles) {
        for (EnumDescriptorProto enumType : file.getEnumTypeList()) {
          classes.putIfAbsent(
              enumType.getName(), "the class of enum " + protoName(file, enumType.getName()));
        }
        if (file.getOptions().getJavaGenericServices()) {
          for (ServiceDescriptorProto service : file.getServiceList()) {
            classes.putIfAbsent(
                service.getName(),
                "the generic service class protobuf generates for "
                    + protoName(file, service.getName()));
          }
        }
      }
    }
  }

  /** The fully qualified proto name of the top-level element {@code name} of {@code file}. */
  static String protoName(FileDescriptorProto file, String name) {
    return file.getPackage().isEmpty() ? name : file.getPackage() + "." + name;
  }

  /** The Java package of the classes generated for {@code file}; empty for the default package. */
  static String javaPackage(FileDescriptorProto file) {
    return file.getOptions().hasJavaPackage()
        ? file.getOptions().getJavaPackage()
        : file.getPackage();
  }

  /** The simple name of the outer class protobuf generates for {@code file}. */
  static String outerClassName(FileDescriptorProto file) {
    if (file.getOptions().hasJavaOuterClassname()) {
      return file.getOptions().getJavaOuterClassname();
    }
    String baseName = file.getName().substring(file.getName().lastIndexOf('/') + 1);
    for (String extension : List.of(".protodevel", ".proto")) {
      if (baseName.endsWith(extension)) {
        baseName = baseName.substring(0, baseName.length() - extension.length());
        break;
      }
    }
    String name = Identifiers.camelCase(baseName, true);
    return declaresType(file, name) ? name + "OuterClass" : name;
  }

  /**
   * {@code name} qualified by {@code javaPackage}, or {@code name} alone in the default package.
   */
  static String qualify(String javaPackage, String name) {
    return javaPackage.isEmpty() ? name : javaPackage + "." + name;
  }

  /**
   * The fully qualified Java class of the message {@code protoType} (as in a method's input_type:
   * {@code .pkg.Message.Nested}).
   *
   * @throws CodegenException if no file of the request defines it
   */
  String messageClass(String protoType) {
    String javaClass = messageClasses.get(protoType);
    if (javaClass == null) {
      throw new CodegenException("message type " + protoType + " is not defined in the request");
    }
    return javaClass;
  }

  /**
   * The top-level classes protobuf generates in {@code javaPackage} for any file of the request, by
   * simple name, each with what it is ({@code the class of message pkg.M}).
   */
  Map<String, String> protobufClasses(String javaPackage) {
    return Map.copyOf(topLevelClasses.getOrDefault(javaPackage, Map.of()));
  }

  /**
   * Whether the Java class of the message {@code protoType} may be deprecated: the message, a
   * message it is nested in or its file has {@code option deprecated = true}.
   */
  boolean isDeprecated(String protoType) {
    return deprecatedMessages.contains(protoType);
  }

  private void index(
      DescriptorProto message, String protoPrefix, String javaPrefix, boolean deprecatedParent) {
    String protoName = protoPrefix + message.getName();
    String javaName = javaPrefix + message.getName();
    boolean deprecated = deprecatedParent || message.getOptions().getDeprecated();
    messageClasses.put(protoName, javaName);
    if (deprecated) {
      deprecatedMessages.add(protoName);
    }
    for (DescriptorProto nested : message.getNestedTypeList()) {
      index(nested, protoName + ".", javaName + ".", deprecated);
    }
  }

  private static boolean declaresType(FileDescriptorProto file, String name) {
    return file.getEnumTypeList().stream().anyMatch(e -> e.getName().equals(name))
        || file.getServiceList().stream().anyMatch(s -> s.getName().equals(name))
        || file.getMessageTypeList().stream().anyMatch(m -> declaresType(m, name));
  }

  private static boolean declaresType(DescriptorProto message, String name) {
    return message.getName().equals(name)
        || message.getEnumTypeList().stream().anyMatch(e -> e.getName().equals(name))
        || message.getNestedTypeList().stream().anyMatch(m -> declaresType(m, name));
  }
}
