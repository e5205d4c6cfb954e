package dev.trunk.cli;

/**
 * The exit codes every subcommand shares; docs/cli.md lists them with each command's own (a call's
 * {@code 64 + gRPC status code}, a health probe's codes, a breaking check's {@code 100}).
 */
public final class ExitCode {
  private ExitCode() {}

  /** Success. */
  public static final int OK = 0;

  /**
   * Bad arguments or bad input: an unknown option, a malformed value, invalid JSON, an unknown
   * method, a schema that cannot be found or does not compile.
   */
  public static final int USAGE = 1;

  /** A bug in trunk: an exception no subcommand turned into a message. */
  public static final int INTERNAL = 125;
}
