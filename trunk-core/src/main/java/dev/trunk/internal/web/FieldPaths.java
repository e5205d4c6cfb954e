package dev.trunk.internal.web;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Dotted field paths ({@code a.b.c}) of google/api/http.proto's path variables and query
 * parameters: resolving them in a message type, and putting a value at one in a JSON object tree.
 */
final class FieldPaths {
  private FieldPaths() {}

  /**
   * The field a path names, each name being a field's proto name or JSON name, every field but the
   * last a singular message.
   *
   * @throws IllegalArgumentException naming the part of the path that does not resolve
   */
  static FieldDescriptor resolve(Descriptor type, String path) {
    Descriptor current = type;
    FieldDescriptor field = null;
    for (String name : path.split("\\.", -1)) {
      if (current == null) {
        throw new IllegalArgumentException(
            "'" + path + "': " + field.getName() + " is not a singular message field");
      }
      field = find(current, name);
      if (field == null) {
        throw new IllegalArgumentException(
            "'" + path + "': " + current.getFullName() + " has no field '" + name + "'");
      }
      current =
          field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !field.isRepeated()
              ? field.getMessageType()
              : null;
    }
    return field;
  }

  private static @Nullable FieldDescriptor find(Descriptor type, String name) {
    FieldDescriptor byName = type.findFieldByName(name);
    if (byName != null) {
      return byName;
    }
    for (FieldDescriptor field : type.getFields()) {
      if (field.getJsonName().equals(name)) {
        return field;
      }
    }
    return null;
  }

  /** Puts {@code value} at {@code path} in a tree of JSON objects, creating the objects on it. */
  static void put(Map<String, Object> root, String path, Object value) {
    String[] names = path.split("\\.", -1);
    Map<String, Object> current = root;
    for (int i = 0; i < names.length - 1; i++) {
      @SuppressWarnings("unchecked") // every object in the tree is made here as this type
      Map<String, Object> next =
          (Map<String, Object>) current.computeIfAbsent(names[i], name -> new LinkedHashMap<>());
      current = next;
    }
    current.put(names[names.length - 1], value);
  }
}
