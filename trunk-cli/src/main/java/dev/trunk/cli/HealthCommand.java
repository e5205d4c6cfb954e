package dev.trunk.cli;

import com.google.protobuf.TypeRegistry;
import dev.trunk.Channel;
import dev.trunk.Codec;
import dev.trunk.MethodDescriptor;
import dev.trunk.ResponseStream;
import dev.trunk.Status;
import dev.trunk.StatusException;
import dev.trunk.internal.health.v1.HealthCheckRequest;
import dev.trunk.internal.health.v1.HealthCheckResponse;
import dev.trunk.internal.health.v1.HealthCheckResponse.ServingStatus;
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
 * {@code trunk health [flags] TARGET [--service NAME] [--watch]}: the standard health service
 * ({@code grpc.health.v1.Health}, gRPC health-checking.md), with grpc_health_probe's exit codes so
 * it can serve as a Kubernetes exec probe. Prints {@code status: SERVING} (one line per change with
 * {@code --watch}).
 */
@Command(
    name = "health",
    mixinStandardHelpOptions = true,
    description = {
      "Checks the server's health service (grpc.health.v1).",
      "Exit codes (grpc_health_probe's): 0 serving, 1 bad arguments, 2 connection failure,"
          + " 3 RPC failure, 4 not serving."
    })
final class HealthCommand implements Callable<Integer> {
  /** Exit code: the service is SERVING (grpc_health_probe's StatusOK). */
  static final int SERVING = 0;

  /** Exit code: the server could not be reached (UNAVAILABLE; grpc_health_probe's 2). */
  static final int CONNECTION_FAILURE = 2;

  /** Exit code: the health call failed otherwise (grpc_health_probe's 3). */
  static final int RPC_FAILURE = 3;

  /** Exit code: the service is not SERVING (grpc_health_probe's 4). */
  static final int NOT_SERVING = 4;

  private static final String SERVICE = "grpc.health.v1.Health";

  private static final MethodDescriptor<HealthCheckRequest, HealthCheckResponse> CHECK =
      method("Check", MethodDescriptor.Type.UNARY);

  private static final MethodDescriptor<HealthCheckRequest, HealthCheckResponse> WATCH =
      method("Watch", MethodDescriptor.Type.SERVER_STREAMING);

  @Mixin ConnectionOptions connection;
  @Mixin DebugOption debug;

  @Parameters(index = "0", paramLabel = "TARGET", description = "host:port of the server.")
  String target;

  @Option(
      names = "--service",
      paramLabel = "NAME",
      description = "The service to check (default: the whole server).")
  String service = "";

  @Option(
      names = "--watch",
      description = "Print each status change until the server ends the stream or --max-time.")
  boolean watch;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    HealthCheckRequest request = HealthCheckRequest.newBuilder().setService(service).build();
    try (Channel channel = connection.open(target)) {
      if (watch) {
        return watch(channel, request, out);
      }
      return report(out, channel.unaryCall(CHECK, request, connection.callOptions()).getStatus());
    } catch (StatusException e) {
      return failed(e);
    }
  }

  private int watch(Channel channel, HealthCheckRequest request, PrintWriter out) {
    @Nullable ServingStatus last = null;
    try (ResponseStream<HealthCheckResponse> changes =
        channel.serverStreamingCall(WATCH, request, connection.callOptions())) {
      for (HealthCheckResponse change : changes) {
        last = change.getStatus();
        report(out, last);
      }
    } catch (StatusException e) {
      if (last == null || e.status().code() != Status.Code.DEADLINE_EXCEEDED) {
        throw e;
      }
    }
    return last == ServingStatus.SERVING ? SERVING : NOT_SERVING;
  }

  private static int report(PrintWriter out, ServingStatus status) {
    out.println("status: " + status);
    out.flush();
    return status == ServingStatus.SERVING ? SERVING : NOT_SERVING;
  }

  /** Reports a failed health call with its status line and returns the probe's exit code. */
  private int failed(StatusException e) {
    StatusReport.print(
        spec.commandLine().getErr(), e.status(), TypeRegistry.getEmptyTypeRegistry());
    return e.status().code() == Status.Code.UNAVAILABLE ? CONNECTION_FAILURE : RPC_FAILURE;
  }

  private static MethodDescriptor<HealthCheckRequest, HealthCheckResponse> method(
      String name, MethodDescriptor.Type type) {
    return MethodDescriptor.of(
        SERVICE,
        name,
        type,
        Codec.protobuf(HealthCheckRequest.getDefaultInstance()),
        Codec.protobuf(HealthCheckResponse.getDefaultInstance()));
  }
}
