package dev.trunk.cli.breaking;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/** Number ranges (inclusive at both ends): which parts of an old range a new list lacks. */
final class Ranges {
  private Ranges() {}

  /** The parts of {@code [start, end]} that none of {@code ranges} covers. */
  static List<int[]> uncovered(int start, int end, List<int[]> ranges) {
    List<int[]> sorted = new ArrayList<>(ranges);
    sorted.sort(Comparator.comparingInt((int[] r) -> r[0]));
    List<int[]> missing = new ArrayList<>();
    long next = start;
    for (int[] range : sorted) {
      if (range[1] < next) {
        continue;
      }
      if (range[0] > end) {
        break;
      }
      if (range[0] > next) {
        missing.add(new int[] {(int) next, range[0] - 1});
      }
      next = Math.max(next, (long) range[1] + 1);
    }
    if (next <= end) {
      missing.add(new int[] {(int) next, end});
    }
    return missing;
  }

  /** Whether {@code number} is in one of {@code ranges}. */
  static boolean contains(List<int[]> ranges, int number) {
    return ranges.stream().anyMatch(r -> r[0] <= number && number <= r[1]);
  }

  /** {@code 5}, or {@code 5-9}. */
  static String text(int[] range) {
    return range[0] == range[1] ? Integer.toString(range[0]) : range[0] + "-" + range[1];
  }

  static String text(List<int[]> ranges) {
    return ranges.stream().map(Ranges::text).collect(Collectors.joining(", "));
  }
}
