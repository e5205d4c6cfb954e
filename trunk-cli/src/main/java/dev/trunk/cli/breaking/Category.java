package dev.trunk.cli.breaking;

/**
 * The rule sets of a breaking check, from strictest to most lenient, with buf's names and meanings.
 */
public enum Category {
  /** Generated code per file: moving a type to another file breaks (buf's default). */
  FILE,
  /** Generated code per package: types may move between the files of a package. */
  PACKAGE,
  /** The binary and the JSON encoding. */
  WIRE_JSON,
  /** The binary encoding only. */
  WIRE
}
