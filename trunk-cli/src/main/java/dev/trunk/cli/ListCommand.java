package dev.trunk.cli;

import com.google.protobuf.Descriptors.MethodDescriptor;
import dev.trunk.Channel;
import dev.trunk.StatusException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code trunk list [flags] TARGET [SERVICE]}: the server's services, one fully qualified name a
 * line, or the methods of one service ({@code service.Method}, as grpcurl prints them).
 */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = "Lists the services, or the methods of SERVICE.")
final class ListCommand implements Callable<Integer> {
  @Mixin ConnectionOptions connection;
  @Mixin SchemaOptions schemaOptions;
  @Mixin DebugOption debug;

  @Parameters(index = "0", paramLabel = "TARGET", description = "host:port of the server.")
  String target;

  @Parameters(index = "1", arity = "0..1", paramLabel = "SERVICE", description = "A service.")
  @Nullable String service;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (Channel channel = connection.open(target)) {
      Schema schema = schemaOptions.load(channel, connection);
      try {
        if (service == null) {
          schema.services().forEach(out::println);
        } else {
          for (MethodDescriptor method : schema.service(service).getMethods()) {
            out.println(method.getFullName());
          }
        }
        out.flush();
        return ExitCode.OK;
      } catch (StatusException e) {
        return StatusReport.print(spec.commandLine().getErr(), e.status(), schema.typeRegistry());
      }
    }
  }
}
