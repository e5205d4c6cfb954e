package dev.trunk.cli.breaking;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The rules on packages: deleted packages, and types deleted from a package (moves are fine). */
final class PackageRules {
  private PackageRules() {}

  static void check(Side before, Side after, Report report) {
    before.packages.forEach(
        (name, oldFiles) -> {
          List<FileDescriptor> files = after.packages.get(name);
          if (files == null) {
            report.addDeleted(
                Rule.PACKAGE_NO_DELETE,
                oldFiles.get(0).getName(),
                "package \"" + name + "\" was deleted");
            return;
          }
          checkPair(name, oldFiles, files, after, report);
        });
  }

  private static void checkPair(
      String name,
      List<FileDescriptor> oldFiles,
      List<FileDescriptor> files,
      Side after,
      Report report) {
    deletions(
        Rule.PACKAGE_MESSAGE_NO_DELETE,
        "message",
        name,
        oldFiles,
        files,
        after,
        report,
        Side::nestedMessages);
    deletions(
        Rule.PACKAGE_ENUM_NO_DELETE,
        "enum",
        name,
        oldFiles,
        files,
        after,
        report,
        Side::nestedEnums);
    deletions(
        Rule.PACKAGE_EXTENSION_NO_DELETE,
        "extension",
        name,
        oldFiles,
        files,
        after,
        report,
        Side::nestedExtensions);
    Map<String, FileDescriptor> services = new LinkedHashMap<>();
    files.forEach(f -> f.getServices().forEach(s -> services.put(s.getName(), f)));
    for (FileDescriptor oldFile : oldFiles) {
      for (var service : oldFile.getServices()) {
        if (!services.containsKey(service.getName())) {
          String message = "service " + service.getName() + fromPackage(name);
          FileDescriptor current = after.files.get(oldFile.getName());
          if (current == null) {
            report.addDeleted(Rule.PACKAGE_SERVICE_NO_DELETE, oldFile.getName(), message);
          } else {
            report.add(Rule.PACKAGE_SERVICE_NO_DELETE, current, message);
          }
        }
      }
    }
  }

  private static void deletions(
      Rule rule,
      String kind,
      String packageName,
      List<FileDescriptor> oldFiles,
      List<FileDescriptor> files,
      Side after,
      Report report,
      Function<FileDescriptor, Map<String, ?>> elements) {
    Map<String, Object> present = new LinkedHashMap<>();
    files.forEach(f -> present.putAll(elements.apply(f)));
    if (present.isEmpty()) {
      // As buf: a package left with none of this kind is not checked for deletions of it.
      return;
    }
    for (FileDescriptor oldFile : oldFiles) {
      for (String nestedName : elements.apply(oldFile).keySet()) {
        if (present.containsKey(nestedName)) {
          continue;
        }
        String message = kind + " " + nestedName + fromPackage(packageName);
        FileDescriptor current = after.files.get(oldFile.getName());
        if (current == null) {
          report.addDeleted(rule, oldFile.getName(), message);
        } else {
          Map<String, Descriptor> messages = Side.nestedMessages(current);
          FileRules.deleted(report, rule, current, messages, nestedName, message);
        }
      }
    }
  }

  private static String fromPackage(String name) {
    return " was deleted from package \"" + name + "\"";
  }
}
