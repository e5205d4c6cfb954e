package dev.trunk.cli;

import dev.trunk.Channel;
import dev.trunk.StatusException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code trunk describe [flags] TARGET SYMBOL}: a service, method, message or enum as {@code
 * .proto} text, with the fully qualified name and the file it is declared in.
 */
@Command(
    name = "describe",
    mixinStandardHelpOptions = true,
    description = "Prints a service, method, message or enum as .proto text.")
final class DescribeCommand implements Callable<Integer> {
  @Mixin ConnectionOptions connection;
  @Mixin SchemaOptions schemaOptions;
  @Mixin DebugOption debug;

  @Parameters(index = "0", paramLabel = "TARGET", description = "host:port of the server.")
  String target;

  @Parameters(
      index = "1",
      paramLabel = "SYMBOL",
      description = "Fully qualified, e.g. pkg.Svc, pkg.Svc.Method, pkg.Message.")
  String symbol;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (Channel channel = connection.open(target)) {
      Schema schema = schemaOptions.load(channel, connection);
      try {
        out.print(ProtoText.of(schema.symbol(symbol)));
        out.flush();
        return ExitCode.OK;
      } catch (StatusException e) {
        return StatusReport.print(spec.commandLine().getErr(), e.status(), schema.typeRegistry());
      }
    }
  }
}
