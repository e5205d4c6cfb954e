package dev.trunk.internal.web;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A compiled path template of google/api/http.proto ("Path template syntax"):
 *
 * <pre>
 * Template = "/" Segments [ Verb ] ;  Segments = Segment { "/" Segment } ;
 * Segment  = "*" | "**" | LITERAL | Variable ;  Variable = "{" FieldPath [ "=" Segments ] "}" ;
 * FieldPath = IDENT { "." IDENT } ;  Verb = ":" LITERAL ;
 * </pre>
 *
 * <p>{@code *} matches one segment, {@code **} zero or more and only as the last segment, {@code
 * {id}} is {@code {id=*}}. A variable's value is the matched segments, percent-decoded: fully for a
 * one-segment variable, and keeping RFC 6570 reserved characters (such as {@code %2F}) encoded for
 * a multi-segment one, as the spec's default says.
 */
final class PathTemplate {
  /** What one template segment matches. */
  enum Kind {
    LITERAL,
    STAR,
    DOUBLE_STAR
  }

  record Segment(Kind kind, String literal) {}

  /** A variable bound to the segments {@code [from, to)} of the template. */
  record Variable(String fieldPath, int from, int to) {}

  private final String text;
  private final List<Segment> segments;
  private final List<Variable> variables;
  private final String verb;

  private PathTemplate(String text, List<Segment> segments, List<Variable> variables, String verb) {
    this.text = text;
    this.segments = List.copyOf(segments);
    this.variables = List.copyOf(variables);
    this.verb = verb;
  }

  /**
   * Compiles a template.
   *
   * @throws IllegalArgumentException naming the template and what is wrong with it
   */
  static PathTemplate parse(String template) {
    return new Parser(template).template();
  }

  List<Variable> variables() {
    return variables;
  }

  /**
   * The variables' decoded values if the raw request path (without query) matches, else null.
   *
   * @throws IllegalArgumentException if a variable's value has a malformed percent-encoding
   */
  @Nullable Map<String, String> match(String path) {
    if (!path.startsWith("/")) {
      return null;
    }
    String rest = path.substring(1);
    if (!verb.isEmpty()) {
      if (!rest.endsWith(":" + verb)) {
        return null;
      }
      rest = rest.substring(0, rest.length() - verb.length() - 1);
    }
    List<String> parts = List.of(rest.split("/", -1));
    if (!matches(parts)) {
      return null;
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (Variable variable : variables) {
      values.put(variable.fieldPath(), value(variable, parts));
    }
    return values;
  }

  private boolean matches(List<String> parts) {
    for (int i = 0; i < segments.size(); i++) {
      Segment segment = segments.get(i);
      if (segment.kind() == Kind.DOUBLE_STAR) {
        return true;
      }
      if (i >= parts.size() || !matches(segment, parts.get(i))) {
        return false;
      }
    }
    return parts.size() == segments.size();
  }

  private static boolean matches(Segment segment, String part) {
    if (segment.kind() == Kind.STAR) {
      return !part.isEmpty();
    }
    String decoded = Percent.decodeOrNull(part);
    return segment.literal().equals(decoded);
  }

  private String value(Variable variable, List<String> parts) {
    boolean toEnd = segments.get(variable.to() - 1).kind() == Kind.DOUBLE_STAR;
    int end = toEnd ? parts.size() : variable.to();
    List<String> matched = parts.subList(Math.min(variable.from(), end), end);
    if (!toEnd && matched.size() == 1) {
      return Percent.decode(matched.get(0), false, false);
    }
    List<String> decoded = new ArrayList<>();
    for (String part : matched) {
      decoded.add(Percent.decode(part, false, true));
    }
    return String.join("/", decoded);
  }

  /**
   * What two templates that would match the same paths share: literals, wildcards and verb, not the
   * variable names. Two bindings of one HTTP method with the same shape conflict.
   */
  String shape() {
    StringBuilder out = new StringBuilder();
    for (Segment segment : segments) {
      out.append('/')
          .append(
              switch (segment.kind()) {
                case LITERAL -> segment.literal();
                case STAR -> "*";
                case DOUBLE_STAR -> "**";
              });
    }
    return verb.isEmpty() ? out.toString() : out + ":" + verb;
  }

  /**
   * Orders templates most specific first, so the first that matches a path wins: one with a verb
   * before one without, then segment by segment a literal before {@code *} before {@code **}, then
   * the shorter.
   */
  int compareSpecificity(PathTemplate other) {
    if (verb.isEmpty() != other.verb.isEmpty()) {
      return verb.isEmpty() ? 1 : -1;
    }
    int shared = Math.min(segments.size(), other.segments.size());
    for (int i = 0; i < shared; i++) {
      int order = segments.get(i).kind().compareTo(other.segments.get(i).kind());
      if (order != 0) {
        return order;
      }
    }
    return Integer.compare(segments.size(), other.segments.size());
  }

  @Override
  public String toString() {
    return text;
  }

  /** A recursive-descent parser of the grammar above. */
  private static final class Parser {
    private final String text;
    private final List<Segment> segments = new ArrayList<>();
    private final List<Variable> variables = new ArrayList<>();
    private int pos;

    Parser(String text) {
      this.text = text;
    }

    PathTemplate template() {
      expect('/');
      segments(false);
      String verb = "";
      if (pos < text.length() && text.charAt(pos) == ':') {
        pos++;
        verb = literal();
      }
      if (pos < text.length()) {
        throw error("unexpected '" + text.charAt(pos) + "'");
      }
      for (int i = 0; i < segments.size() - 1; i++) {
        if (segments.get(i).kind() == Kind.DOUBLE_STAR) {
          throw error("'**' must be the last segment");
        }
      }
      return new PathTemplate(text, segments, variables, verb);
    }

    private void segments(boolean inVariable) {
      segment(inVariable);
      while (pos < text.length() && text.charAt(pos) == '/') {
        pos++;
        segment(inVariable);
      }
    }

    private void segment(boolean inVariable) {
      if (text.startsWith("**", pos)) {
        pos += 2;
        segments.add(new Segment(Kind.DOUBLE_STAR, ""));
      } else if (text.startsWith("*", pos)) {
        pos++;
        segments.add(new Segment(Kind.STAR, ""));
      } else if (text.startsWith("{", pos)) {
        if (inVariable) {
          throw error("variables cannot nest");
        }
        variable();
      } else {
        segments.add(new Segment(Kind.LITERAL, literal()));
      }
    }

    private void variable() {
      pos++;
      int start = pos;
      while (pos < text.length() && "=}".indexOf(text.charAt(pos)) < 0) {
        pos++;
      }
      String fieldPath = text.substring(start, pos);
      if (!fieldPath.matches("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*")) {
        throw error("'" + fieldPath + "' is not a field path");
      }
      for (Variable existing : variables) {
        if (existing.fieldPath().equals(fieldPath)) {
          throw error("'" + fieldPath + "' is bound twice");
        }
      }
      int from = segments.size();
      if (pos < text.length() && text.charAt(pos) == '=') {
        pos++;
        segments(true);
      } else {
        segments.add(new Segment(Kind.STAR, ""));
      }
      expect('}');
      variables.add(new Variable(fieldPath, from, segments.size()));
    }

    private String literal() {
      int start = pos;
      while (pos < text.length() && "/{}*:=".indexOf(text.charAt(pos)) < 0) {
        pos++;
      }
      if (pos == start) {
        throw error("empty segment");
      }
      String decoded = Percent.decodeOrNull(text.substring(start, pos));
      if (decoded == null) {
        throw error("bad percent-encoding in '" + text.substring(start, pos) + "'");
      }
      return decoded;
    }

    private void expect(char c) {
      if (pos >= text.length() || text.charAt(pos) != c) {
        throw error("expected '" + c + "'");
      }
      pos++;
    }

    private IllegalArgumentException error(String problem) {
      return new IllegalArgumentException(
          "bad path template '" + text + "' at offset " + pos + ": " + problem);
    }
  }
}
