package dev.trunk.cli.breaking;

import com.google.protobuf.DescriptorProtos.FileOptions;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The rules on files: deleted files, elements deleted from a file, changed file options. */
final class FileRules {
  /** A file option buf compares, the rule, and its field number in {@code FileOptions}. */
  private record Option(Rule rule, String name, int number, Function<FileOptions, Object> value) {}

  private static final List<Option> OPTIONS =
      List.of(
          new Option(Rule.FILE_SAME_JAVA_PACKAGE, "java_package", 1, FileOptions::getJavaPackage),
          new Option(
              Rule.FILE_SAME_JAVA_OUTER_CLASSNAME,
              "java_outer_classname",
              8,
              FileOptions::getJavaOuterClassname),
          new Option(Rule.FILE_SAME_OPTIMIZE_FOR, "optimize_for", 9, FileOptions::getOptimizeFor),
          new Option(
              Rule.FILE_SAME_JAVA_MULTIPLE_FILES,
              "java_multiple_files",
              10,
              FileOptions::getJavaMultipleFiles),
          new Option(Rule.FILE_SAME_GO_PACKAGE, "go_package", 11, FileOptions::getGoPackage),
          new Option(
              Rule.FILE_SAME_CC_GENERIC_SERVICES,
              "cc_generic_services",
              16,
              FileOptions::getCcGenericServices),
          new Option(
              Rule.FILE_SAME_JAVA_GENERIC_SERVICES,
              "java_generic_services",
              17,
              FileOptions::getJavaGenericServices),
          new Option(
              Rule.FILE_SAME_PY_GENERIC_SERVICES,
              "py_generic_services",
              18,
              FileOptions::getPyGenericServices),
          new Option(
              Rule.FILE_SAME_CC_ENABLE_ARENAS,
              "cc_enable_arenas",
              31,
              FileOptions::getCcEnableArenas),
          new Option(
              Rule.FILE_SAME_OBJC_CLASS_PREFIX,
              "objc_class_prefix",
              36,
              FileOptions::getObjcClassPrefix),
          new Option(
              Rule.FILE_SAME_CSHARP_NAMESPACE,
              "csharp_namespace",
              37,
              FileOptions::getCsharpNamespace),
          new Option(Rule.FILE_SAME_SWIFT_PREFIX, "swift_prefix", 39, FileOptions::getSwiftPrefix),
          new Option(
              Rule.FILE_SAME_PHP_CLASS_PREFIX,
              "php_class_prefix",
              40,
              FileOptions::getPhpClassPrefix),
          new Option(
              Rule.FILE_SAME_PHP_NAMESPACE, "php_namespace", 41, FileOptions::getPhpNamespace),
          new Option(
              Rule.FILE_SAME_PHP_METADATA_NAMESPACE,
              "php_metadata_namespace",
              44,
              FileOptions::getPhpMetadataNamespace),
          new Option(Rule.FILE_SAME_RUBY_PACKAGE, "ruby_package", 45, FileOptions::getRubyPackage));

  private static final String FROM_FILE = " was deleted from the file";

  private FileRules() {}

  static void check(Side before, Side after, Report report) {
    before.files.forEach(
        (name, old) -> {
          FileDescriptor current = after.files.get(name);
          if (current == null) {
            report.addDeleted(Rule.FILE_NO_DELETE, name, "file " + name + " was deleted");
            return;
          }
          checkPair(old, current, report);
        });
  }

  private static void checkPair(FileDescriptor old, FileDescriptor current, Report report) {
    Map<String, Descriptor> messages = Side.nestedMessages(current);
    for (String name : Side.nestedMessages(old).keySet()) {
      if (!messages.containsKey(name)) {
        deleted(
            report, Rule.MESSAGE_NO_DELETE, current, messages, name, "message " + name + FROM_FILE);
      }
    }
    Set<String> enums = Side.nestedEnums(current).keySet();
    for (String name : Side.nestedEnums(old).keySet()) {
      if (!enums.contains(name)) {
        deleted(report, Rule.ENUM_NO_DELETE, current, messages, name, "enum " + name + FROM_FILE);
      }
    }
    Set<String> extensions = Side.nestedExtensions(current).keySet();
    for (String name : Side.nestedExtensions(old).keySet()) {
      if (!extensions.contains(name)) {
        deleted(
            report,
            Rule.EXTENSION_NO_DELETE,
            current,
            messages,
            name,
            "extension " + name + FROM_FILE);
      }
    }
    Set<String> services = names(current.getServices());
    for (String name : names(old.getServices())) {
      if (!services.contains(name)) {
        report.add(Rule.SERVICE_NO_DELETE, current, "service " + name + FROM_FILE);
      }
    }
    sameValues(old, current, report);
  }

  /**
   * Reports an element deleted from {@code file} at its closest enclosing message that still
   * exists, else at the file (where buf reports it).
   */
  static void deleted(
      Report report,
      Rule rule,
      FileDescriptor file,
      Map<String, Descriptor> messages,
      String nestedName,
      String message) {
    String[] parts = nestedName.split("\\.");
    for (int i = parts.length - 1; i > 0; i--) {
      Descriptor parent = messages.get(String.join(".", Arrays.copyOfRange(parts, 0, i)));
      if (parent != null) {
        report.add(rule, file, message, Where.path(parent));
        return;
      }
    }
    report.add(rule, file, message);
  }

  private static void sameValues(FileDescriptor old, FileDescriptor current, Report report) {
    same(
        report,
        Rule.FILE_SAME_PACKAGE,
        current,
        "package",
        old.getPackage(),
        current.getPackage(),
        List.of(Where.FILE_PACKAGE));
    same(
        report,
        Rule.FILE_SAME_SYNTAX,
        current,
        "syntax",
        syntax(old),
        syntax(current),
        List.of(Where.FILE_SYNTAX));
    for (Option option : OPTIONS) {
      Object before = option.value().apply(old.getOptions());
      Object after = option.value().apply(current.getOptions());
      same(
          report,
          option.rule(),
          current,
          "option " + option.name(),
          before,
          after,
          List.of(Where.FILE_OPTIONS, option.number()));
    }
  }

  private static void same(
      Report report,
      Rule rule,
      FileDescriptor file,
      String what,
      Object before,
      Object after,
      List<Integer> path) {
    if (!Objects.equals(String.valueOf(before), String.valueOf(after))) {
      report.add(
          rule,
          file,
          "file " + what + " changed from \"" + before + "\" to \"" + after + "\"",
          path);
    }
  }

  /** The syntax, with the edition for editions files; no syntax statement means proto2. */
  private static String syntax(FileDescriptor file) {
    String syntax = file.toProto().getSyntax();
    if (syntax.isEmpty()) {
      return "proto2";
    }
    return syntax.equals("editions") ? "edition " + file.toProto().getEdition() : syntax;
  }

  private static Set<String> names(List<ServiceDescriptor> services) {
    return services.stream().map(ServiceDescriptor::getName).collect(Collectors.toSet());
  }
}
