package dev.trunk.cli;

import picocli.CommandLine.Option;

/**
 * The {@code --debug} option, as a picocli mixin: a failure then prints its stack trace too. {@link
 * Trunk}'s error handler looks for the option by name, so the field is only read by picocli.
 */
public final class DebugOption {
  @Option(names = "--debug", description = "Print the stack trace of a failure.")
  boolean debug;
}
