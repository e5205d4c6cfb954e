package dev.trunk.cli;

import dev.trunk.Channel;
import dev.trunk.StatusException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code trunk call [flags] TARGET SERVICE/METHOD}: calls any method with JSON requests and prints
 * the responses as JSON lines. A failed call prints {@code ERROR: code NAME (N): message} and its
 * details to standard error and exits with {@code 64 + N} ({@link StatusReport}).
 */
@Command(
    name = "call",
    mixinStandardHelpOptions = true,
    description = {
      "Calls a method with JSON requests; prints each response as one line of JSON.",
      "Requests: -d '{json}', -d @file, or standard input (-d @- or no -d). A unary or"
          + " server-streaming method takes the whole input as one message ({} when empty);"
          + " client- and bidi-streaming methods take one message per line."
    })
final class CallCommand implements Callable<Integer> {
  @Mixin ConnectionOptions connection;
  @Mixin SchemaOptions schemaOptions;
  @Mixin DebugOption debug;

  @Option(
      names = {"-d", "--data"},
      paramLabel = "JSON|@FILE|@-",
      description = "The request(s): JSON text, @file, or @- for standard input.")
  @Nullable String data;

  @Option(
      names = {"-v", "--verbose"},
      description = "Print the response headers and trailers to standard error.")
  boolean verbose;

  @Parameters(index = "0", paramLabel = "TARGET", description = "host:port of the server.")
  String target;

  @Parameters(index = "1", paramLabel = "SERVICE/METHOD", description = "e.g. pkg.Svc/Method.")
  String method;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (Channel channel = open(err)) {
      Schema schema = schemaOptions.load(channel, connection);
      try {
        DynamicMethod resolved = schema.method(method);
        Json json = new Json(schema.typeRegistry());
        try (RequestInput input = RequestInput.open(data, System.in)) {
          new Exchange(channel, resolved, json, input, out, connection.callOptions()).run();
        }
        return ExitCode.OK;
      } catch (StatusException e) {
        return StatusReport.print(err, e.status(), schema.typeRegistry());
      }
    }
  }

  private Channel open(PrintWriter err) {
    return verbose ? connection.open(target, new Verbose(err)) : connection.open(target);
  }
}
