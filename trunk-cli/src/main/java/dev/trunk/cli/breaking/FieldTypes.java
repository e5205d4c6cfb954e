package dev.trunk.cli.breaking;

import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor.Type;

/**
 * Field types and cardinalities, and which of them share an encoding: the wire-compatible groups of
 * the protobuf language guide's "updating a message type", and their intersection with the JSON
 * mapping's compatible groups (buf's groups).
 */
final class FieldTypes {
  private FieldTypes() {}

  /** Cardinalities as buf names them. */
  enum Cardinality {
    EXPLICIT("optional with explicit presence"),
    IMPLICIT("optional with implicit presence"),
    REQUIRED("required"),
    REPEATED("repeated"),
    MAP("map");

    final String text;

    Cardinality(String text) {
      this.text = text;
    }
  }

  static Cardinality cardinality(FieldDescriptor field) {
    if (field.isMapField()) {
      return Cardinality.MAP;
    }
    if (field.isRepeated()) {
      return Cardinality.REPEATED;
    }
    if (field.isRequired()) {
      return Cardinality.REQUIRED;
    }
    return field.hasPresence() ? Cardinality.EXPLICIT : Cardinality.IMPLICIT;
  }

  /** On the wire, singular fields of either presence read alike, and so do repeated and maps. */
  static int wireGroup(Cardinality cardinality) {
    return switch (cardinality) {
      case EXPLICIT, IMPLICIT -> 1;
      case REQUIRED -> 2;
      case REPEATED, MAP -> 3;
    };
  }

  /** In JSON a map is an object and a repeated field an array. */
  static int wireJsonGroup(Cardinality cardinality) {
    return cardinality == Cardinality.MAP ? 4 : wireGroup(cardinality);
  }

  /** Varints of any width read alike; string and bytes are apart (see the WIRE rule). */
  static int wireGroup(Type type) {
    return switch (type) {
      case INT32, INT64, UINT32, UINT64, BOOL -> 1;
      case SINT32, SINT64 -> 2;
      case STRING -> 3;
      case BYTES -> 4;
      case FIXED32, SFIXED32 -> 5;
      case FIXED64, SFIXED64 -> 6;
      case DOUBLE -> 7;
      case FLOAT -> 8;
      case GROUP -> 9;
      case MESSAGE -> 10;
      case ENUM -> 11;
    };
  }

  /** JSON writes 64-bit integers as strings and 32-bit ones as numbers, so they part. */
  static int wireJsonGroup(Type type) {
    return switch (type) {
      case INT32, UINT32 -> 1;
      case INT64, UINT64 -> 2;
      case FIXED32, SFIXED32 -> 3;
      case FIXED64, SFIXED64 -> 4;
      case BOOL -> 5;
      case SINT32 -> 6;
      case SINT64 -> 7;
      case STRING -> 8;
      case BYTES -> 9;
      case DOUBLE -> 10;
      case FLOAT -> 11;
      case GROUP -> 12;
      case MESSAGE -> 13;
      case ENUM -> 14;
    };
  }

  static boolean isNamed(Type type) {
    return type == Type.MESSAGE || type == Type.GROUP || type == Type.ENUM;
  }

  /** The message or enum a field refers to, or empty for a scalar. */
  static String typeName(FieldDescriptor field) {
    return switch (field.getType()) {
      case MESSAGE, GROUP -> field.getMessageType().getFullName();
      case ENUM -> field.getEnumType().getFullName();
      default -> "";
    };
  }

  /** {@code int64}, or {@code message pkg.Foo}. */
  static String describe(FieldDescriptor field) {
    String kind = field.getType().name().toLowerCase(java.util.Locale.ROOT);
    return isNamed(field.getType()) ? kind + " " + typeName(field) : kind;
  }

  /**
   * Whether an enum field may move from {@code old} to another enum on the wire: the same simple
   * name, and every old value still there with its number.
   */
  static boolean enumCompatible(EnumDescriptor old, EnumDescriptor current) {
    if (!old.getName().equals(current.getName())) {
      return false;
    }
    for (EnumValueDescriptor value : old.getValues()) {
      EnumValueDescriptor now = current.findValueByName(value.getName());
      if (now == null || now.getNumber() != value.getNumber()) {
        return false;
      }
    }
    return true;
  }

  static boolean is64BitInteger(Type type) {
    return switch (type) {
      case INT64, UINT64, SINT64, FIXED64, SFIXED64 -> true;
      default -> false;
    };
  }
}
