package dev.trunk.cli;

import dev.trunk.cli.bench.BenchCommand;
import dev.trunk.cli.breaking.BreakingCommand;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/**
 * {@code trunk}: the command-line tool for any gRPC server. Each subcommand is its own class; this
 * one only gathers them, prints the version, and turns failures into one line and an exit code.
 *
 * <p>Errors: a {@link CliException} prints its message on one line and exits with its code; any
 * other exception prints its message, and its stack trace only with {@code --debug}. Usage errors
 * exit with {@link ExitCode#USAGE}.
 */
@Command(
    name = "trunk",
    mixinStandardHelpOptions = true,
    versionProvider = Trunk.Version.class,
    description = "Calls, checks and load-tests gRPC servers; checks .proto changes for breakage.",
    subcommands = {
      CommandLine.HelpCommand.class,
      ListCommand.class,
      DescribeCommand.class,
      CallCommand.class,
      HealthCommand.class,
      BreakingCommand.class,
      BenchCommand.class
    })
public final class Trunk {
  private static final String NETTY_LEAK_DETECTION = "io.netty.leakDetection.level";

  private Trunk() {}

  /** Runs the command line and exits the JVM with its exit code. */
  public static void main(String[] args) {
    quietNettyLeakDetection();
    System.exit(run(args));
  }

  /**
   * Turns off Netty's buffer leak sampling unless the user set a level: it records a stack trace
   * for one buffer in 128, which cost {@code trunk bench} about 3 % of its calls per second, and a
   * leak in a short-lived command is not worth a report. Tests call {@link #run} and keep theirs.
   */
  private static void quietNettyLeakDetection() {
    if (System.getProperty(NETTY_LEAK_DETECTION) == null) {
      System.setProperty(NETTY_LEAK_DETECTION, "disabled");
    }
  }

  /** Runs the command line and returns its exit code, printing to standard output and error. */
  public static int run(String... args) {
    return commandLine().execute(args);
  }

  /** The command line with every subcommand and Trunk's error handling. */
  public static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new Trunk());
    commandLine.setExecutionExceptionHandler(Trunk::failed);
    commandLine.setParameterExceptionHandler(Trunk::badArguments);
    // "@file" is data for call -d (as in grpcurl and curl), not a picocli argument file.
    commandLine.setExpandAtFiles(false);
    return commandLine;
  }

  private static int failed(
      Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
    PrintWriter err = commandLine.getErr();
    if (e instanceof CliException cli) {
      err.println("trunk: " + cli.getMessage());
      if (debug(parseResult)) {
        cli.printStackTrace(err);
      }
      return cli.exitCode();
    }
    err.println("trunk: " + e);
    if (debug(parseResult)) {
      e.printStackTrace(err);
    } else {
      err.println("trunk: (run with --debug for the stack trace)");
    }
    return ExitCode.INTERNAL;
  }

  private static int badArguments(CommandLine.ParameterException e, String[] args) {
    CommandLine commandLine = e.getCommandLine();
    PrintWriter err = commandLine.getErr();
    err.println("trunk: " + e.getMessage());
    err.println("trunk: see '" + commandLine.getCommandSpec().qualifiedName() + " --help'");
    return ExitCode.USAGE;
  }

  private static boolean debug(CommandLine.ParseResult parseResult) {
    for (CommandLine.ParseResult r = parseResult; r != null; r = r.subcommand()) {
      if (r.hasMatchedOption("--debug")) {
        return true;
      }
    }
    return false;
  }

  /** {@code trunk --version}: the version this jar was built as. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      Properties properties = new Properties();
      try (InputStream in = Trunk.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          properties.load(in);
        }
      }
      return new String[] {
        "trunk " + properties.getProperty("version", "unknown"),
        "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"
      };
    }
  }
}
