package dev.trunk.internal.web;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The query parameters of a transcoded request as a JSON object of the request message
 * (google/api/http.proto): {@code a.b=x} sets the nested field {@code a.b}; a repeated field takes
 * every occurrence ({@code tag=x&tag=y}); values stay strings, which the proto3 JSON mapping reads
 * as numbers, booleans, enums, timestamps and so on.
 */
final class QueryParameters {
  private QueryParameters() {}

  /**
   * The JSON object tree the query sets.
   *
   * @throws IllegalArgumentException for an unknown field, a singular field given twice, or a
   *     malformed percent-encoding
   */
  static Map<String, Object> toJson(Descriptor type, String rawQuery) {
    Map<String, List<String>> values = new LinkedHashMap<>();
    for (String parameter : rawQuery.split("&")) {
      if (parameter.isEmpty()) {
        continue;
      }
      int equals = parameter.indexOf('=');
      String name =
          Percent.decode(equals < 0 ? parameter : parameter.substring(0, equals), true, false);
      String value = equals < 0 ? "" : Percent.decode(parameter.substring(equals + 1), true, false);
      values.computeIfAbsent(name, key -> new ArrayList<>()).add(value);
    }
    Map<String, Object> tree = new LinkedHashMap<>();
    values.forEach((name, given) -> FieldPaths.put(tree, name, value(type, name, given)));
    return tree;
  }

  private static Object value(Descriptor type, String name, List<String> given) {
    FieldDescriptor field;
    try {
      field = FieldPaths.resolve(type, name);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("query parameter " + e.getMessage(), e);
    }
    if (field.isRepeated()) {
      return given;
    }
    if (given.size() > 1) {
      throw new IllegalArgumentException(
          "query parameter '" + name + "' is given " + given.size() + " times but is not repeated");
    }
    return given.get(0);
  }
}
