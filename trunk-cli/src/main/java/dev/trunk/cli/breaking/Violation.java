package dev.trunk.cli.breaking;

import java.util.Comparator;

/**
 * One breaking change: where it is ({@code line} and {@code column} are 1-based, 0 when the input
 * has no source information), which rule it breaks, and what changed.
 */
public record Violation(String file, int line, int column, Rule rule, String message) {
  /** The order of a report: by file, line, column, rule, message (as buf sorts its output). */
  static final Comparator<Violation> ORDER =
      Comparator.comparing(Violation::file)
          .thenComparingInt(Violation::line)
          .thenComparingInt(Violation::column)
          .thenComparing(Violation::rule, Comparator.comparing(Rule::name))
          .thenComparing(Violation::message);

  /** {@code file:line:column:RULE message}, buf's text format with the rule ID added. */
  @Override
  public String toString() {
    return file + ":" + line + ":" + column + ":" + rule + " " + message;
  }
}
