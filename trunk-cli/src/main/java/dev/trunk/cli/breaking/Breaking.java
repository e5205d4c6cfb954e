package dev.trunk.cli.breaking;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The breaking-change check: compares a baseline schema with the current one under buf's rules of a
 * category and lists the violations, sorted by file and position.
 *
 * <p>Only the inputs' own files are compared; a file that is only imported on one side (the
 * well-known types a descriptor set includes, say) is left out on both.
 */
public final class Breaking {
  /** The exit code of {@code trunk breaking} when it finds violations (buf's). */
  public static final int EXIT_VIOLATIONS = 100;

  private Breaking() {}

  /** The violations of {@code category}'s rules from {@code baseline} to {@code current}. */
  public static List<Violation> check(Image baseline, Image current, Category category) {
    Side before = new Side(compared(baseline, current));
    Side after = new Side(compared(current, baseline));
    Report report = new Report(Rule.of(category));
    FileRules.check(before, after, report);
    PackageRules.check(before, after, report);
    MessageRules.check(before, after, report);
    EnumRules.check(before, after, report);
    ServiceRules.check(before, after, report);
    before.extensions.forEach(
        (key, old) -> {
          FieldDescriptor now = after.extensions.get(key);
          if (now != null) {
            FieldRules.check(old, now, report);
          }
        });
    return report.violations();
  }

  private static List<FileDescriptor> compared(Image image, Image other) {
    List<FileDescriptor> files = new ArrayList<>();
    for (String name : new TreeSet<>(image.own())) {
      boolean importedByOther = other.contains(name) && !other.isOwn(name);
      if (!importedByOther) {
        files.add(image.file(name));
      }
    }
    return files;
  }

  /** The rule IDs of {@code violations}, without repeats, sorted. */
  public static Set<String> ruleIds(List<Violation> violations) {
    Set<String> ids = new TreeSet<>();
    violations.forEach(v -> ids.add(v.rule().name()));
    return ids;
  }
}
