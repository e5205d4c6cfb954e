package dev.trunk.cli.breaking;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.FieldOptions.CType;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor.Type;
import com.google.protobuf.Descriptors.OneofDescriptor;
import dev.trunk.cli.breaking.FieldTypes.Cardinality;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** The rules on a field present on both sides (same message and number, or same extension). */
final class FieldRules {
  /** FieldOptions' field numbers, for positions. */
  private static final int OPTION_CTYPE = 1;

  private static final int OPTION_JSTYPE = 6;

  /** FileOptions' java_string_check_utf8. */
  private static final int FILE_OPTION_JAVA_UTF8 = 27;

  private static final Set<String> ZERO_DEFAULTS = Set.of("", "0", "0.0", "false");

  private FieldRules() {}

  static void check(FieldDescriptor old, FieldDescriptor current, Report report) {
    cardinality(old, current, report);
    type(old, current, report);
    names(old, current, report);
    if (!old.isExtension()) {
      oneof(old, current, report);
    }
    options(old, current, report);
    defaults(old, current, report);
  }

  private static void cardinality(FieldDescriptor old, FieldDescriptor current, Report report) {
    if (old.getContainingType().getOptions().getMapEntry()
        && current.getContainingType().getOptions().getMapEntry()) {
      return;
    }
    Cardinality before = FieldTypes.cardinality(old);
    Cardinality after = FieldTypes.cardinality(current);
    if (before == after) {
      return;
    }
    String message = describe(current) + " changed from " + before.text + " to " + after.text;
    List<Integer> at = Where.path(current);
    report.add(Rule.FIELD_SAME_CARDINALITY, current.getFile(), message, at);
    if (FieldTypes.wireGroup(before) != FieldTypes.wireGroup(after)) {
      report.add(Rule.FIELD_WIRE_COMPATIBLE_CARDINALITY, current.getFile(), message, at);
    }
    if (FieldTypes.wireJsonGroup(before) != FieldTypes.wireJsonGroup(after)) {
      report.add(Rule.FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY, current.getFile(), message, at);
    }
  }

  private static void type(FieldDescriptor old, FieldDescriptor current, Report report) {
    Type before = old.getType();
    Type after = current.getType();
    boolean sameName = FieldTypes.typeName(old).equals(FieldTypes.typeName(current));
    if (before == after && sameName) {
      return;
    }
    String message =
        describe(current)
            + " changed type from "
            + FieldTypes.describe(old)
            + " to "
            + FieldTypes.describe(current);
    List<Integer> at =
        Where.append(
            Where.path(current),
            FieldTypes.isNamed(after) ? Where.FIELD_TYPE_NAME : Where.FIELD_TYPE);
    report.add(Rule.FIELD_SAME_TYPE, current.getFile(), message, at);
    boolean wire = FieldTypes.wireGroup(before) == FieldTypes.wireGroup(after);
    boolean stringToBytes = before == Type.STRING && after == Type.BYTES;
    if (!(wire ? namedCompatible(old, current) : stringToBytes)) {
      report.add(Rule.FIELD_WIRE_COMPATIBLE_TYPE, current.getFile(), message, at);
    }
    boolean json = FieldTypes.wireJsonGroup(before) == FieldTypes.wireJsonGroup(after);
    if (!json || !namedCompatible(old, current)) {
      report.add(Rule.FIELD_WIRE_JSON_COMPATIBLE_TYPE, current.getFile(), message, at);
    }
  }

  /** Same kind: messages must keep their type; an enum may become a compatible one. */
  private static boolean namedCompatible(FieldDescriptor old, FieldDescriptor current) {
    if (FieldTypes.typeName(old).equals(FieldTypes.typeName(current))) {
      return true;
    }
    return current.getType() == Type.ENUM
        && FieldTypes.enumCompatible(old.getEnumType(), current.getEnumType());
  }

  private static void names(FieldDescriptor old, FieldDescriptor current, Report report) {
    String before = old.isExtension() ? old.getFullName() : old.getName();
    String after = current.isExtension() ? current.getFullName() : current.getName();
    if (!before.equals(after)) {
      report.add(
          Rule.FIELD_SAME_NAME,
          current.getFile(),
          describeNumber(current) + " changed name from \"" + before + "\" to \"" + after + "\"",
          Where.append(Where.path(current), Where.FIELD_NAME));
    }
    if (!old.isExtension() && !old.getJsonName().equals(current.getJsonName())) {
      report.add(
          Rule.FIELD_SAME_JSON_NAME,
          current.getFile(),
          describe(current)
              + " changed JSON name from \""
              + old.getJsonName()
              + "\" to \""
              + current.getJsonName()
              + "\"",
          Where.append(Where.path(current), Where.FIELD_JSON_NAME),
          Where.path(current));
    }
  }

  private static void oneof(FieldDescriptor old, FieldDescriptor current, Report report) {
    OneofDescriptor before = old.getRealContainingOneof();
    OneofDescriptor after = current.getRealContainingOneof();
    String beforeName = before == null ? null : before.getName();
    String afterName = after == null ? null : after.getName();
    if (Objects.equals(beforeName, afterName)) {
      return;
    }
    report.add(
        Rule.FIELD_SAME_ONEOF,
        current.getFile(),
        describe(current) + " moved from " + oneofText(beforeName) + " to " + oneofText(afterName),
        Where.path(current));
  }

  private static String oneofText(String name) {
    return name == null ? "no oneof" : "oneof " + name;
  }

  private static void options(FieldDescriptor old, FieldDescriptor current, Report report) {
    List<Integer> at = Where.path(current);
    if (FieldTypes.is64BitInteger(old.getType())
        && FieldTypes.is64BitInteger(current.getType())
        && old.getOptions().getJstype() != current.getOptions().getJstype()) {
      report.add(
          Rule.FIELD_SAME_JSTYPE,
          current.getFile(),
          describe(current) + " changed option jstype to " + current.getOptions().getJstype(),
          Where.append(at, Where.FIELD_OPTIONS, OPTION_JSTYPE),
          at);
    }
    if (old.getType() == Type.STRING && current.getType() == Type.STRING) {
      if (Features.utf8Validation(old) != Features.utf8Validation(current)) {
        report.add(
            Rule.FIELD_SAME_UTF8_VALIDATION,
            current.getFile(),
            describe(current) + " changed UTF-8 validation to " + Features.utf8Validation(current),
            at);
      }
      boolean javaBefore = Features.javaChecksUtf8(old);
      boolean javaAfter = Features.javaChecksUtf8(current);
      if (javaBefore != javaAfter) {
        report.add(
            Rule.FIELD_SAME_JAVA_UTF8_VALIDATION,
            current.getFile(),
            describe(current)
                + " changed Java UTF-8 validation to "
                + (javaAfter ? "VERIFY" : "NONE"),
            List.of(Where.FILE_OPTIONS, FILE_OPTION_JAVA_UTF8),
            at);
      }
    }
    cppStringType(old, current, report);
  }

  private static void cppStringType(FieldDescriptor old, FieldDescriptor current, Report report) {
    if (!isStringOrBytes(old)
        || !isStringOrBytes(current)
        || current.getContainingType().getOptions().getMapEntry()) {
      return;
    }
    CType before = old.getOptions().getCtype();
    CType after = current.getOptions().getCtype();
    if (before == after || (before == CType.STRING_PIECE && after == CType.STRING)) {
      return;
    }
    List<Integer> at = Where.path(current);
    report.add(
        Rule.FIELD_SAME_CPP_STRING_TYPE,
        current.getFile(),
        describe(current) + " changed C++ string type from " + before + " to " + after,
        Where.append(at, Where.FIELD_OPTIONS, OPTION_CTYPE),
        at);
  }

  private static boolean isStringOrBytes(FieldDescriptor field) {
    return field.getType() == Type.STRING || field.getType() == Type.BYTES;
  }

  private static void defaults(FieldDescriptor old, FieldDescriptor current, Report report) {
    if (!canHaveDefault(old) || !canHaveDefault(current)) {
      return;
    }
    String before = defaultText(old);
    String after = defaultText(current);
    if (before.equals(after) || (ZERO_DEFAULTS.contains(before) && ZERO_DEFAULTS.contains(after))) {
      return;
    }
    report.add(
        Rule.FIELD_SAME_DEFAULT,
        current.getFile(),
        describe(current) + " changed default value from " + before + " to " + after,
        Where.append(Where.path(current), Where.FIELD_DEFAULT),
        Where.path(current));
  }

  private static boolean canHaveDefault(FieldDescriptor field) {
    return !field.isRepeated() && field.getType() != Type.MESSAGE && field.getType() != Type.GROUP;
  }

  /** The default as text: enum values by number, so that renaming one changes nothing here. */
  private static String defaultText(FieldDescriptor field) {
    Object value = field.getDefaultValue();
    if (value instanceof EnumValueDescriptor e) {
      return Integer.toString(e.getNumber());
    }
    if (value instanceof ByteString bytes) {
      return bytes.toStringUtf8();
    }
    return String.valueOf(value);
  }

  private static String describe(FieldDescriptor field) {
    return "field " + field.getNumber() + " \"" + field.getName() + "\" of " + owner(field);
  }

  private static String describeNumber(FieldDescriptor field) {
    return "field " + field.getNumber() + " of " + owner(field);
  }

  private static String owner(FieldDescriptor field) {
    return field.isExtension()
        ? "extension of " + field.getContainingType().getName()
        : "message " + field.getContainingType().getName();
  }
}
