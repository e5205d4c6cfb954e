package dev.trunk.cli.breaking;

import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** The rules on an enum present on both sides: its values, reserved ranges and type. */
final class EnumRules {
  private EnumRules() {}

  static void check(Side before, Side after, Report report) {
    before.enums.forEach(
        (name, old) -> {
          EnumDescriptor current = after.enums.get(name);
          if (current != null) {
            checkPair(old, current, report);
          }
        });
  }

  private static void checkPair(EnumDescriptor old, EnumDescriptor current, Report report) {
    Map<Integer, Set<String>> before = namesByNumber(old);
    Map<Integer, Set<String>> after = namesByNumber(current);
    EnumDescriptorProto proto = current.toProto();
    List<int[]> reserved = reservedRanges(proto);
    before.forEach(
        (number, names) -> {
          Set<String> now = after.get(number);
          if (now == null) {
            deleted(current, number, names, reserved, report);
          } else if (!names.containsAll(now)) {
            renamed(current, number, names, now, report);
          }
        });
    reserved(old, current, report);
    if (old.isClosed() != current.isClosed()) {
      report.add(
          Rule.ENUM_SAME_TYPE,
          current.getFile(),
          "enum " + current.getName() + " changed from " + kind(old) + " to " + kind(current),
          Where.path(current));
    }
    if (Features.allowsJson(old) && !Features.allowsJson(current)) {
      report.add(
          Rule.ENUM_SAME_JSON_FORMAT,
          current.getFile(),
          "enum " + current.getName() + " no longer supports JSON (feature json_format)",
          Where.path(current));
    }
  }

  private static void deleted(
      EnumDescriptor current, int number, Set<String> names, List<int[]> reserved, Report report) {
    String what =
        "value " + number + " " + names + " of enum " + current.getName() + " was deleted";
    List<Integer> at = Where.path(current);
    report.add(Rule.ENUM_VALUE_NO_DELETE, current.getFile(), what, at);
    if (!Ranges.contains(reserved, number)) {
      report.add(
          Rule.ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED,
          current.getFile(),
          what + " without reserving its number",
          at);
    }
    if (!current.toProto().getReservedNameList().containsAll(names)) {
      report.add(
          Rule.ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED,
          current.getFile(),
          what + " without reserving its name",
          at);
    }
  }

  private static void renamed(
      EnumDescriptor current, int number, Set<String> before, Set<String> after, Report report) {
    for (EnumValueDescriptor value : current.getValues()) {
      if (value.getNumber() == number) {
        report.add(
            Rule.ENUM_VALUE_SAME_NAME,
            current.getFile(),
            "value "
                + number
                + " of enum "
                + current.getName()
                + " changed name from "
                + before
                + " to "
                + after,
            Where.append(Where.path(value), Where.ENUM_VALUE_NUMBER));
      }
    }
  }

  private static void reserved(EnumDescriptor old, EnumDescriptor current, Report report) {
    List<int[]> after = reservedRanges(current.toProto());
    for (int[] range : reservedRanges(old.toProto())) {
      List<int[]> missing = Ranges.uncovered(range[0], range[1], after);
      if (!missing.isEmpty()) {
        report.add(
            Rule.RESERVED_ENUM_NO_DELETE,
            current.getFile(),
            "reserved range "
                + Ranges.text(range)
                + " of enum "
                + current.getName()
                + " lost "
                + Ranges.text(missing),
            Where.path(current));
      }
    }
    List<String> names = current.toProto().getReservedNameList();
    for (String name : old.toProto().getReservedNameList()) {
      if (!names.contains(name)) {
        report.add(
            Rule.RESERVED_ENUM_NO_DELETE,
            current.getFile(),
            "reserved name \"" + name + "\" of enum " + current.getName() + " was deleted",
            Where.path(current));
      }
    }
  }

  private static String kind(EnumDescriptor e) {
    return e.isClosed() ? "closed" : "open";
  }

  private static Map<Integer, Set<String>> namesByNumber(EnumDescriptor e) {
    Map<Integer, Set<String>> result = new TreeMap<>();
    for (EnumValueDescriptor value : e.getValues()) {
      result.computeIfAbsent(value.getNumber(), n -> new TreeSet<>()).add(value.getName());
    }
    return result;
  }

  /** Enum reserved ranges are inclusive at both ends already. */
  private static List<int[]> reservedRanges(EnumDescriptorProto proto) {
    return proto.getReservedRangeList().stream()
        .map(r -> new int[] {r.getStart(), r.getEnd()})
        .toList();
  }
}
