package dev.trunk.cli;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.TypeRegistry;
import com.google.protobuf.util.JsonFormat;
import dev.trunk.Status;
import java.io.PrintWriter;
import java.util.Base64;
import java.util.Map;

/**
 * How {@code call}, {@code list} and {@code describe} report a failed RPC: {@code ERROR: code NAME
 * (N): message}, then each rich detail of {@code grpc-status-details-bin} as JSON (or its type URL
 * and base64 bytes when its type is unknown), and the exit code {@code 64 + N}.
 */
public final class StatusReport {
  /** Added to the gRPC status code to make the exit code, above the shell's usual 0..2. */
  public static final int STATUS_EXIT_BASE = 64;

  /**
   * Trunk's connection errors name the Java API that fixes them; on the command line the flag does.
   * Each pair is a phrase of trunk-core's message and its command-line wording.
   */
  private static final Map<String, String> FLAG_WORDING =
      Map.of(
          "use Channel.Builder.plaintext()", "use --plaintext",
          "this channel is plaintext: use Channel.Builder.tls()",
              "--plaintext was given: drop it to use TLS",
          "this channel presented none (TlsConfig.Builder.keyPair)",
              "none was given (--cert and --key)",
          "drop Channel.Builder.http1()", "drop --http1",
          "the server's certificate is not trusted;",
              "the server's certificate is not trusted (give its CA with --cacert, or use"
                  + " --insecure);");

  private StatusReport() {}

  /** The exit code of a call that ended with {@code code}: 0 for OK, else 64 + the code. */
  public static int exitCode(Status.Code code) {
    return code == Status.Code.OK ? ExitCode.OK : STATUS_EXIT_BASE + code.value();
  }

  /** Prints {@code status} to {@code err} and returns its exit code. */
  public static int print(PrintWriter err, Status status, TypeRegistry registry) {
    String description = status.description() == null ? "" : inFlags(status.description());
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

  private static String inFlags(String description) {
    String worded = description;
    for (Map.Entry<String, String> phrase : FLAG_WORDING.entrySet()) {
      worded = worded.replace(phrase.getKey(), phrase.getValue());
    }
    return worded;
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
