package dev.trunk.cli;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.TypeRegistry;
import com.google.protobuf.util.JsonFormat;
import dev.trunk.Status;
import java.io.PrintWriter;
import java.util.Base64;

/**
 * How {@code call}, {@code list} and {@code describe} report a failed RPC: {@code ERROR: code NAME
 * (N): message}, then each rich detail of {@code grpc-status-details-bin} as JSON (or its type URL
 * and base64 bytes when its type is unknown), and the exit code {@code 64 + N}.
 */
public final class StatusReport {
  /** Added to the gRPC status code to make the exit code, above the shell's usual 0..2. */
  public static final int STATUS_EXIT_BASE = 64;

  private StatusReport() {}

  /** The exit code of a call that ended with {@code code}: 0 for OK, else 64 + the code. */
  public static int exitCode(Status.Code code) {
    return code == Status.Code.OK ? ExitCode.OK : STATUS_EXIT_BASE + code.value();
  }

  /** Prints {@code status} to {@code err} and returns its exit code. */
  public static int print(PrintWriter err, Status status, TypeRegistry registry) {
    String description = status.description() == null ? "" : status.description();
    err.println(
        "ERROR: code " + status.code() + " (" + status.code().value() + "): " + description);
    JsonFormat.Printer printer =
        JsonFormat.printer().usingTypeRegistry(registry).omittingInsignificantWhitespace();
    for (Any detail : status.details()) {
      err.println("  detail: " + detail(detail, printer));
    }
    err.flush();
    return exitCode(status.code());
  }

  private static String detail(Any detail, JsonFormat.Printer printer) {
    try {
      return printer.print(detail);
    } catch (InvalidProtocolBufferException e) {
      return detail.getTypeUrl()
          + " "
          + Base64.getEncoder().encodeToString(detail.getValue().toByteArray());
    }
  }
}
