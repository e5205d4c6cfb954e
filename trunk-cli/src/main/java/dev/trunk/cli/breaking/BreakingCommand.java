package dev.trunk.cli.breaking;

import dev.trunk.cli.ExitCode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code trunk breaking}: buf breaking's check. Prints one line per violation ({@code
 * file:line:column:RULE message}) and exits with {@link Breaking#EXIT_VIOLATIONS} if there is any.
 */
@Command(
    name = "breaking",
    mixinStandardHelpOptions = true,
    description = {
      "Checks NEW against the baseline OLD for breaking changes, with buf's rules and categories.",
      "OLD and NEW: a directory of .proto files, a descriptor set file (.binpb, .pb, .protoset),"
          + " or for OLD git:REF (NEW's path at a git revision).",
      "Exit codes: 0 no breaking change, 1 bad arguments or input, "
          + Breaking.EXIT_VIOLATIONS
          + " breaking changes found."
    })
public final class BreakingCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;

  @Option(
      names = "--against",
      required = true,
      paramLabel = "OLD",
      description = "The baseline: a directory, a descriptor set, or git:REF.")
  private String against;

  @Option(
      names = "--category",
      paramLabel = "CATEGORY",
      defaultValue = "FILE",
      description = "FILE (default), PACKAGE, WIRE_JSON or WIRE.")
  private Category category;

  @Option(
      names = {"-I", "--import-path"},
      paramLabel = "DIR",
      description = "More directories to find imported .proto files in (repeatable).")
  private List<Path> importPaths = new ArrayList<>();

  @Option(names = "--debug", description = "Print stack traces of errors.")
  private boolean debug;

  @Parameters(index = "0", paramLabel = "NEW", description = "The current schema.")
  private Path current;

  @Override
  public Integer call() {
    Image baseline = Inputs.load(against, current, importPaths);
    Image now = Inputs.load(current, importPaths);
    List<Violation> violations = Breaking.check(baseline, now, category);
    PrintWriter out = spec.commandLine().getOut();
    violations.forEach(out::println);
    out.flush();
    return violations.isEmpty() ? ExitCode.OK : Breaking.EXIT_VIOLATIONS;
  }
}
