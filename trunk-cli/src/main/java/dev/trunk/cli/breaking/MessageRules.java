package dev.trunk.cli.breaking;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The rules on a message present on both sides: its fields, oneofs, ranges and options. */
final class MessageRules {
  private MessageRules() {}

  static void check(Side before, Side after, Report report) {
    before.messages.forEach(
        (name, old) -> {
          Descriptor current = after.messages.get(name);
          if (current != null) {
            checkPair(old, current, report);
          }
        });
  }

  private static void checkPair(Descriptor old, Descriptor current, Report report) {
    fields(old, current, report);
    oneofs(old, current, report);
    DescriptorProto oldProto = old.toProto();
    DescriptorProto proto = current.toProto();
    ranges(
        report,
        Rule.EXTENSION_MESSAGE_NO_DELETE,
        "extension",
        current,
        extensionRanges(oldProto),
        extensionRanges(proto));
    ranges(
        report,
        Rule.RESERVED_MESSAGE_NO_DELETE,
        "reserved",
        current,
        reservedRanges(oldProto),
        reservedRanges(proto));
    for (String name : oldProto.getReservedNameList()) {
      if (!proto.getReservedNameList().contains(name)) {
        report.add(
            Rule.RESERVED_MESSAGE_NO_DELETE,
            current.getFile(),
            "reserved name \"" + name + "\" of message " + current.getName() + " was deleted",
            Where.path(current));
      }
    }
    requiredFields(old, current, report);
    if (!old.getOptions().getNoStandardDescriptorAccessor()
        && current.getOptions().getNoStandardDescriptorAccessor()) {
      report.add(
          Rule.MESSAGE_NO_REMOVE_STANDARD_DESCRIPTOR_ACCESSOR,
          current.getFile(),
          "message " + current.getName() + " set option no_standard_descriptor_accessor",
          Where.append(Where.path(current), 7, 2),
          Where.path(current));
    }
    if (Features.allowsJson(old) && !Features.allowsJson(current)) {
      report.add(
          Rule.MESSAGE_SAME_JSON_FORMAT,
          current.getFile(),
          "message " + current.getName() + " no longer supports JSON (feature json_format)",
          Where.path(current));
    }
  }

  private static void fields(Descriptor old, Descriptor current, Report report) {
    Map<Integer, FieldDescriptor> fields = byNumber(current.getFields());
    DescriptorProto proto = current.toProto();
    List<int[]> reserved = reservedRanges(proto);
    for (FieldDescriptor field : old.getFields()) {
      FieldDescriptor now = fields.get(field.getNumber());
      if (now != null) {
        FieldRules.check(field, now, report);
        continue;
      }
      String what =
          "field "
              + field.getNumber()
              + " \""
              + field.getName()
              + "\" of message "
              + current.getName()
              + " was deleted";
      report.add(Rule.FIELD_NO_DELETE, current.getFile(), what, Where.path(current));
      if (!Ranges.contains(reserved, field.getNumber())) {
        report.add(
            Rule.FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED,
            current.getFile(),
            what + " without reserving its number",
            Where.path(current));
      }
      if (!proto.getReservedNameList().contains(field.getName())) {
        report.add(
            Rule.FIELD_NO_DELETE_UNLESS_NAME_RESERVED,
            current.getFile(),
            what + " without reserving its name",
            Where.path(current));
      }
    }
  }

  private static void oneofs(Descriptor old, Descriptor current, Report report) {
    Set<String> names =
        current.getOneofs().stream().map(OneofDescriptor::getName).collect(Collectors.toSet());
    for (OneofDescriptor oneof : old.getRealOneofs()) {
      if (!names.contains(oneof.getName())) {
        report.add(
            Rule.ONEOF_NO_DELETE,
            current.getFile(),
            "oneof " + oneof.getName() + " of message " + current.getName() + " was deleted",
            Where.path(current));
      }
    }
  }

  private static void requiredFields(Descriptor old, Descriptor current, Report report) {
    Map<Integer, FieldDescriptor> before = required(old);
    Map<Integer, FieldDescriptor> after = required(current);
    for (Integer number : before.keySet()) {
      if (!after.containsKey(number)) {
        report.add(
            Rule.MESSAGE_SAME_REQUIRED_FIELDS,
            current.getFile(),
            "required field " + number + " of message " + current.getName() + " was removed",
            Where.path(current));
      }
    }
    after.forEach(
        (number, field) -> {
          if (!before.containsKey(number)) {
            report.add(
                Rule.MESSAGE_SAME_REQUIRED_FIELDS,
                current.getFile(),
                "required field " + number + " was added to message " + current.getName(),
                Where.path(field));
          }
        });
  }

  private static Map<Integer, FieldDescriptor> required(Descriptor message) {
    return byNumber(message.getFields().stream().filter(FieldDescriptor::isRequired).toList());
  }

  private static Map<Integer, FieldDescriptor> byNumber(List<FieldDescriptor> fields) {
    Map<Integer, FieldDescriptor> result = new TreeMap<>();
    fields.forEach(f -> result.put(f.getNumber(), f));
    return result;
  }

  private static void ranges(
      Report report,
      Rule rule,
      String kind,
      Descriptor current,
      List<int[]> before,
      List<int[]> after) {
    for (int[] range : before) {
      List<int[]> missing = Ranges.uncovered(range[0], range[1], after);
      if (!missing.isEmpty()) {
        report.add(
            rule,
            current.getFile(),
            kind
                + " range "
                + Ranges.text(range)
                + " of message "
                + current.getName()
                + " lost "
                + Ranges.text(missing),
            Where.path(current));
      }
    }
  }

  /** Extension ranges, inclusive (the descriptor's ends are exclusive). */
  private static List<int[]> extensionRanges(DescriptorProto proto) {
    return proto.getExtensionRangeList().stream()
        .map(r -> new int[] {r.getStart(), r.getEnd() - 1})
        .toList();
  }

  /** Reserved number ranges, inclusive (the descriptor's ends are exclusive). */
  static List<int[]> reservedRanges(DescriptorProto proto) {
    return proto.getReservedRangeList().stream()
        .map(r -> new int[] {r.getStart(), r.getEnd() - 1})
        .toList();
  }
}
