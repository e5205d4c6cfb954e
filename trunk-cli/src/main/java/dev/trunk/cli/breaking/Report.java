package dev.trunk.cli.breaking;

import com.google.protobuf.DescriptorProtos.SourceCodeInfo;
import com.google.protobuf.Descriptors.FileDescriptor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Collects the violations of the rules a check runs, with their source positions. */
final class Report {
  private final Set<Rule> rules;
  private final List<Violation> violations = new ArrayList<>();
  private final Map<FileDescriptor, Map<List<Integer>, int[]>> spans = new HashMap<>();

  Report(Set<Rule> rules) {
    this.rules = rules;
  }

  /** Whether the check runs {@code rule}. */
  boolean runs(Rule rule) {
    return rules.contains(rule);
  }

  /** Records a violation of {@code rule} about {@code file} as a whole: at its first line. */
  void add(Rule rule, FileDescriptor file, String message) {
    add(rule, file, message, List.of());
  }

  /** Records a violation of {@code rule} at the element with source path {@code path}. */
  void add(Rule rule, FileDescriptor file, String message, List<Integer> path) {
    add(rule, file, message, path, path);
  }

  /**
   * Records a violation of {@code rule} at {@code path}, or at {@code backup} if protoc recorded no
   * position for {@code path} (an option left at its default has none); at the file's first line
   * when neither has one (where buf places changes without a position of their own).
   */
  void add(
      Rule rule, FileDescriptor file, String message, List<Integer> path, List<Integer> backup) {
    if (!runs(rule)) {
      return;
    }
    int[] position = position(file, List.of(path, backup));
    violations.add(new Violation(file.getName(), position[0], position[1], rule, message));
  }

  /** Records a violation about a file the new schema lacks: its old name, first line. */
  void addDeleted(Rule rule, String fileName, String message) {
    if (runs(rule)) {
      violations.add(new Violation(fileName, 1, 1, rule, message));
    }
  }

  List<Violation> violations() {
    List<Violation> sorted = new ArrayList<>(violations);
    sorted.sort(Violation.ORDER);
    return List.copyOf(sorted);
  }

  private int[] position(FileDescriptor file, List<List<Integer>> paths) {
    Map<List<Integer>, int[]> index = spans.computeIfAbsent(file, Report::index);
    if (index.isEmpty()) {
      return new int[] {0, 0};
    }
    for (List<Integer> path : paths) {
      int[] span = index.get(path);
      if (span != null) {
        return span;
      }
    }
    return new int[] {1, 1};
  }

  private static Map<List<Integer>, int[]> index(FileDescriptor file) {
    Map<List<Integer>, int[]> index = new HashMap<>();
    SourceCodeInfo info = file.toProto().getSourceCodeInfo();
    for (SourceCodeInfo.Location location : info.getLocationList()) {
      if (location.getSpanCount() >= 2) {
        index.putIfAbsent(
            List.copyOf(location.getPathList()),
            new int[] {location.getSpan(0) + 1, location.getSpan(1) + 1});
      }
    }
    return index;
  }
}
