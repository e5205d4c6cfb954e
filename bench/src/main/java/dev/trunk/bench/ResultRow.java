package dev.trunk.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One measured result: an ordered set of named values (strings and numbers), written as a flat JSON
 * object or as a TSV row, and read back from either.
 */
public final class ResultRow {
  private final Map<String, Object> values = new LinkedHashMap<>();

  public ResultRow put(String name, Object value) {
    values.put(name, value);
    return this;
  }

  public Map<String, Object> values() {
    return values;
  }

  public String string(String name) {
    Object value = values.get(name);
    return value == null ? "" : value.toString();
  }

  /** The value as a number; NaN if absent or not numeric. */
  public double number(String name) {
    Object value = values.get(name);
    if (value instanceof Number n) {
      return n.doubleValue();
    }
    if (value instanceof String s && !s.isEmpty()) {
      try {
        return Double.parseDouble(s);
      } catch (NumberFormatException e) {
        return Double.NaN;
      }
    }
    return Double.NaN;
  }

  /** A flat JSON object, one field per line. */
  public String toJson() {
    StringBuilder out = new StringBuilder("{\n");
    int i = 0;
    for (Map.Entry<String, Object> e : values.entrySet()) {
      out.append("  ").append(quote(e.getKey())).append(": ").append(jsonValue(e.getValue()));
      out.append(++i < values.size() ? ",\n" : "\n");
    }
    return out.append("}\n").toString();
  }

  /** Reads a flat JSON object as written by {@link #toJson()}. */
  public static ResultRow fromJson(String json) {
    ResultRow row = new ResultRow();
    int i = skip(json, 0);
    expect(json, i, '{');
    i = skip(json, i + 1);
    if (json.charAt(i) == '}') {
      return row;
    }
    while (true) {
      expect(json, i, '"');
      int end = endOfString(json, i);
      String name = unquote(json.substring(i + 1, end));
      i = skip(json, end + 1);
      expect(json, i, ':');
      i = skip(json, i + 1);
      Object value;
      if (json.charAt(i) == '"') {
        int valueEnd = endOfString(json, i);
        value = unquote(json.substring(i + 1, valueEnd));
        i = valueEnd + 1;
      } else {
        int valueEnd = i;
        while (valueEnd < json.length() && ",} \n\r\t".indexOf(json.charAt(valueEnd)) < 0) {
          valueEnd++;
        }
        String token = json.substring(i, valueEnd);
        value = token.equals("null") ? null : parseNumber(token);
        i = valueEnd;
      }
      row.put(name, value);
      i = skip(json, i);
      if (json.charAt(i) == ',') {
        i = skip(json, i + 1);
        continue;
      }
      expect(json, i, '}');
      return row;
    }
  }

  /**
   * Adds this row to a TSV file. Rows may have different columns (h2load rows have no percentiles,
   * memory rows no calls/s), so the file is rewritten with one header for the union of all columns,
   * in order of first appearance, and an empty cell where a row has no value.
   */
  public void appendTsv(Path file) throws IOException {
    List<ResultRow> rows =
        Files.exists(file) && Files.size(file) > 0 ? readTsv(file) : new ArrayList<>();
    rows.add(this);
    writeTsv(file, rows);
  }

  private static void writeTsv(Path file, List<ResultRow> rows) throws IOException {
    Set<String> columns = new LinkedHashSet<>();
    rows.forEach(row -> columns.addAll(row.values.keySet()));
    StringBuilder out = new StringBuilder(String.join("\t", columns)).append('\n');
    for (ResultRow row : rows) {
      List<String> cells = new ArrayList<>();
      for (String column : columns) {
        cells.add(tsvValue(row.values.get(column)));
      }
      out.append(String.join("\t", cells)).append('\n');
    }
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, out, StandardCharsets.UTF_8);
  }

  /** Reads every row of a TSV file written by {@link #appendTsv}; numeric cells become numbers. */
  public static List<ResultRow> readTsv(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    List<ResultRow> rows = new ArrayList<>();
    if (lines.isEmpty()) {
      return rows;
    }
    String[] header = lines.get(0).split("\t", -1);
    for (String line : lines.subList(1, lines.size())) {
      if (line.isBlank()) {
        continue;
      }
      String[] cells = line.split("\t", -1);
      ResultRow row = new ResultRow();
      for (int c = 0; c < header.length; c++) {
        String cell = c < cells.length ? cells[c] : "";
        if (cell.isEmpty()) {
          continue; // the row has no value in this column
        }
        Object number = parseNumber(cell);
        row.put(header[c], number instanceof Number ? number : cell);
      }
      rows.add(row);
    }
    return rows;
  }

  /** A number with at most three decimals, without a trailing ".0" for whole values. */
  public static String format(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return "";
    }
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    return String.format(Locale.ROOT, "%.3f", value);
  }

  private static String tsvValue(Object value) {
    if (value == null) {
      return "";
    }
    if (value instanceof Double d) {
      return format(d);
    }
    return value.toString().replace('\t', ' ').replace('\n', ' ');
  }

  private static String jsonValue(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof Double d) {
      String formatted = format(d);
      return formatted.isEmpty() ? "null" : formatted;
    }
    if (value instanceof Number || value instanceof Boolean) {
      return value.toString();
    }
    return quote(value.toString());
  }

  private static Object parseNumber(String token) {
    try {
      if (token.matches("-?\\d{1,18}")) {
        return Long.parseLong(token);
      }
      return Double.parseDouble(token);
    } catch (NumberFormatException e) {
      return token;
    }
  }

  private static String quote(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\t' -> out.append("\\t");
        default -> out.append(c);
      }
    }
    return out.append('"').toString();
  }

  private static String unquote(String s) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        char n = s.charAt(++i);
        out.append(
            switch (n) {
              case 'n' -> '\n';
              case 't' -> '\t';
              default -> n;
            });
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static int endOfString(String json, int open) {
    for (int i = open + 1; i < json.length(); i++) {
      char c = json.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '"') {
        return i;
      }
    }
    throw new IllegalArgumentException("unterminated string in JSON");
  }

  private static int skip(String json, int i) {
    while (i < json.length() && Character.isWhitespace(json.charAt(i))) {
      i++;
    }
    if (i >= json.length()) {
      throw new IllegalArgumentException("truncated JSON");
    }
    return i;
  }

  private static void expect(String json, int i, char c) {
    if (json.charAt(i) != c) {
      throw new IllegalArgumentException("expected '" + c + "' at " + i + " in JSON");
    }
  }

  @Override
  public String toString() {
    return values.toString();
  }
}
