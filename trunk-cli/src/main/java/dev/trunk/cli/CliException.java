package dev.trunk.cli;

/**
 * A failure the user can act on: its message is printed as one line (no stack trace unless {@code
 * --debug}) and the command exits with {@link #exitCode}.
 */
public final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int exitCode;

  /** A failure with {@code message}, exiting with {@code exitCode} (see {@link ExitCode}). */
  public CliException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  /** A failure with {@code message} caused by {@code cause}, exiting with {@code exitCode}. */
  public CliException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  /** The process exit code. */
  public int exitCode() {
    return exitCode;
  }
}
