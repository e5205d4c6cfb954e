package dev.trunk.codegen;

import java.util.Set;

/**
 * Java identifier rules: the names Java reserves and the case conversion of proto names. {@link
 * Namespace} applies them to resolve collisions.
 */
final class Identifiers {
  /** Keywords, literals and {@code _}: never usable as a name. */
  static final Set<String> KEYWORDS =
      Set.of(
          "abstract",
          "assert",
          "boolean",
          "break",
          "byte",
          "case",
          "catch",
          "char",
          "class",
          "const",
          "continue",
          "default",
          "do",
          "double",
          "else",
          "enum",
          "extends",
          "final",
          "finally",
          "float",
          "for",
          "goto",
          "if",
          "implements",
          "import",
          "instanceof",
          "int",
          "interface",
          "long",
          "native",
          "new",
          "package",
          "private",
          "protected",
          "public",
          "return",
          "short",
          "static",
          "strictfp",
          "super",
          "switch",
          "synchronized",
          "this",
          "throw",
          "throws",
          "transient",
          "try",
          "void",
          "volatile",
          "while",
          "true",
          "false",
          "null",
          "_");

  /** The literals among {@link #KEYWORDS}. */
  static final Set<String> LITERALS = Set.of("true", "false", "null");

  /** Contextual keywords that may name a method or variable but not a class or interface. */
  static final Set<String> RESTRICTED_TYPE_NAMES =
      Set.of("var", "yield", "record", "sealed", "permits");

  /** The methods of {@link Object}, which no generated method overloads. */
  static final Set<String> OBJECT_METHODS =
      Set.of(
          "getClass",
          "hashCode",
          "equals",
          "toString",
          "clone",
          "finalize",
          "notify",
          "notifyAll",
          "wait");

  private Identifiers() {}

  /**
   * A proto name in lowerCamelCase, as protobuf's Java generator converts names ({@code GetFeature}
   * and {@code get_feature} both give {@code getFeature}); see {@link #camelCase}. A result that
   * would start with a digit gets a {@code _} prefix.
   */
  static String lowerCamel(String name) {
    String result = camelCase(name, false);
    return !result.isEmpty() && Character.isDigit(result.charAt(0)) ? "_" + result : result;
  }

  /**
   * Protobuf's camel case conversion: characters other than ASCII letters and digits are dropped
   * and capitalize the next letter, a letter after a digit is capitalized, other letters are kept
   * except an upper case first letter, which becomes lower case unless {@code capitalizeFirst}.
   */
  static String camelCase(String name, boolean capitalizeFirst) {
    StringBuilder result = new StringBuilder();
    boolean capitalizeNext = capitalizeFirst;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (isLower(c)) {
        result.append(capitalizeNext ? Character.toUpperCase(c) : c);
        capitalizeNext = false;
      } else if (isUpper(c)) {
        result.append(i == 0 && !capitalizeNext ? Character.toLowerCase(c) : c);
        capitalizeNext = false;
      } else if (c >= '0' && c <= '9') {
        result.append(c);
        capitalizeNext = true;
      } else {
        capitalizeNext = true;
      }
    }
    return result.toString();
  }

  /**
   * A proto name in UPPER_SNAKE_CASE: a {@code _} goes before each upper case letter that follows a
   * lower case one, or that starts a word after an acronym ({@code GetFeature} gives {@code
   * GET_FEATURE}, {@code HTTPRequest} gives {@code HTTP_REQUEST}); existing underscores stay.
   */
  static String upperSnake(String name) {
    StringBuilder result = new StringBuilder();
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (i > 0 && isUpper(c)) {
        char previous = name.charAt(i - 1);
        boolean wordStart =
            isLower(previous)
                || (isUpper(previous) && i + 1 < name.length() && isLower(name.charAt(i + 1)));
        if (wordStart) {
          result.append('_');
        }
      }
      result.append(Character.toUpperCase(c));
    }
    return result.toString();
  }

  /**
   * The first component of a qualified Java name: the name that must not be obscured by a variable
   * or type for the qualified name to resolve.
   */
  static String root(String qualifiedName) {
    int dot = qualifiedName.indexOf('.');
    return dot < 0 ? qualifiedName : qualifiedName.substring(0, dot);
  }

  private static boolean isUpper(char c) {
    return c >= 'A' && c <= 'Z';
  }

  private static boolean isLower(char c) {
    return c >= 'a' && c <= 'z';
  }
}
