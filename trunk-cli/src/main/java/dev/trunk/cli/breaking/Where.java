package dev.trunk.cli.breaking;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import java.util.ArrayList;
import java.util.List;

/**
 * Source paths of descriptors: each element's path in its {@code FileDescriptorProto} (the
 * numbering of descriptor.proto's fields), under which protoc records the element's line and
 * column.
 */
final class Where {
  // Field numbers of descriptor.proto that make up source paths.
  static final int FILE_PACKAGE = 2;
  static final int FILE_MESSAGE = 4;
  static final int FILE_ENUM = 5;
  static final int FILE_SERVICE = 6;
  static final int FILE_EXTENSION = 7;
  static final int FILE_OPTIONS = 8;
  static final int FILE_SYNTAX = 12;
  static final int MESSAGE_FIELD = 2;
  static final int MESSAGE_NESTED = 3;
  static final int MESSAGE_ENUM = 4;
  static final int MESSAGE_EXTENSION = 6;
  static final int MESSAGE_ONEOF = 8;
  static final int FIELD_NAME = 1;
  static final int FIELD_TYPE = 5;
  static final int FIELD_TYPE_NAME = 6;
  static final int FIELD_DEFAULT = 7;
  static final int FIELD_OPTIONS = 8;
  static final int FIELD_JSON_NAME = 10;
  static final int ENUM_VALUE = 2;
  static final int ENUM_VALUE_NUMBER = 2;
  static final int SERVICE_METHOD = 2;
  static final int METHOD_INPUT = 2;
  static final int METHOD_OUTPUT = 3;
  static final int METHOD_OPTIONS = 4;

  private Where() {}

  static List<Integer> path(Descriptor message) {
    Descriptor parent = message.getContainingType();
    return parent == null
        ? List.of(FILE_MESSAGE, message.getIndex())
        : append(path(parent), MESSAGE_NESTED, message.getIndex());
  }

  static List<Integer> path(FieldDescriptor field) {
    Descriptor scope = field.isExtension() ? field.getExtensionScope() : field.getContainingType();
    if (!field.isExtension()) {
      return append(path(scope), MESSAGE_FIELD, field.getIndex());
    }
    return scope == null
        ? List.of(FILE_EXTENSION, field.getIndex())
        : append(path(scope), MESSAGE_EXTENSION, field.getIndex());
  }

  static List<Integer> path(OneofDescriptor oneof) {
    return append(path(oneof.getContainingType()), MESSAGE_ONEOF, oneof.getIndex());
  }

  static List<Integer> path(EnumDescriptor e) {
    Descriptor parent = e.getContainingType();
    return parent == null
        ? List.of(FILE_ENUM, e.getIndex())
        : append(path(parent), MESSAGE_ENUM, e.getIndex());
  }

  static List<Integer> path(EnumValueDescriptor value) {
    return append(path(value.getType()), ENUM_VALUE, value.getIndex());
  }

  static List<Integer> path(ServiceDescriptor service) {
    return List.of(FILE_SERVICE, service.getIndex());
  }

  static List<Integer> path(MethodDescriptor method) {
    return append(path(method.getService()), SERVICE_METHOD, method.getIndex());
  }

  static List<Integer> append(List<Integer> path, int... more) {
    List<Integer> result = new ArrayList<>(path);
    for (int m : more) {
      result.add(m);
    }
    return List.copyOf(result);
  }
}
