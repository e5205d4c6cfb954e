package dev.trunk.codegen;

import dev.trunk.codegen.ServiceModel.Rpc;
import java.util.List;

/**
 * Generates a service's client: an immutable class over a channel and call options, with one method
 * per proto method (two for a unary one: blocking and asynchronous) and methods that derive clients
 * with other options.
 */
final class ClientGenerator {
  private static final String DEPRECATED = "@java.lang.Deprecated";

  private ClientGenerator() {}

  /** The source of the class {@code service.clientName()}. */
  static String generate(ServiceModel service) {
    String client = service.qualified(service.clientName());
    String channel = service.variable("channel");
    String options = service.variable("options");
    JavaWriter out = new JavaWriter().header(service.protoFile(), service.javaPackage());
    out.javadoc(
        Javadoc.withNote(
            service.doc(),
            "A client of {@code "
                + service.fullName()
                + "}. Immutable and thread-safe: the {@code with...} methods return a new client"
                + " on the same channel with other call options."));
    if (service.deprecated()) {
      out.line(DEPRECATED);
    }
    if (service.usesDeprecatedMessages()) {
      out.line("@java.lang.SuppressWarnings(\"deprecation\")");
    }
    out.open("public final class " + service.clientName())
        .line("private final dev.trunk.Channel " + channel + ";")
        .line("private final dev.trunk.CallOptions " + options + ";")
        .line("")
        .openCall(
            "private " + service.clientName(),
            List.of("dev.trunk.Channel " + channel, "dev.trunk.CallOptions " + options))
        .line("this." + channel + " = " + channel + ";")
        .line("this." + options + " = " + options + ";")
        .close()
        .line("")
        .javadoc(
            List.of(
                "A client that makes its calls on {@code " + channel + "} with default options."))
        .openCall("public static " + client + " create", List.of("dev.trunk.Channel " + channel))
        .call(
            "return new " + client,
            List.of(
                "java.util.Objects.requireNonNull(" + channel + ", \"channel\")",
                "dev.trunk.CallOptions.DEFAULT"),
            ";")
        .close()
        .line("")
        .javadoc(List.of("The options this client makes its calls with."))
        .open("public dev.trunk.CallOptions options()")
        .line("return " + options + ";")
        .close();
    derive(
        out,
        service,
        "withOptions",
        "dev.trunk.CallOptions",
        options,
        "java.util.Objects.requireNonNull(" + options + ", \"options\")",
        "A client whose calls use {@code " + options + "} instead of this client's options.");
    String timeout = service.variable("timeout");
    derive(
        out,
        service,
        "withTimeout",
        "java.time.Duration",
        timeout,
        options + ".withTimeout(" + timeout + ")",
        "A client whose calls each time out {@code " + timeout + "} after they start.");
    String deadline = service.variable("deadline");
    derive(
        out,
        service,
        "withDeadline",
        "dev.trunk.Deadline",
        deadline,
        options + ".withDeadline(" + deadline + ")",
        "A client whose calls fail when {@code " + deadline + "} passes.");
    String metadata = service.variable("metadata");
    derive(
        out,
        service,
        "withMetadata",
        "dev.trunk.Metadata",
        metadata,
        options + ".withMetadata(" + metadata + ")",
        "A client whose calls also send {@code " + metadata + "} as request headers.");
    String encoding = service.variable("encoding");
    derive(
        out,
        service,
        "withCompression",
        "java.lang.String",
        encoding,
        options + ".withCompression(" + encoding + ")",
        "A client whose calls compress their requests with {@code "
            + encoding
            + "}"
            + " ({@code gzip} or {@code identity}).");
    for (Rpc rpc : service.rpcs()) {
      call(out, service, rpc);
    }
    return out.close().toString();
  }

  private static void derive(
      JavaWriter out,
      ServiceModel service,
      String method,
      String type,
      String parameter,
      String newOptions,
      String doc) {
    String client = service.qualified(service.clientName());
    out.line("")
        .javadoc(List.of(doc))
        .openCall("public " + client + " " + method, List.of(type + " " + parameter))
        .call("return new " + client, List.of(service.variable("channel"), newOptions), ";")
        .close();
  }

  private static void call(JavaWriter out, ServiceModel service, Rpc rpc) {
    String request = service.variable("request");
    String descriptor =
        service.qualified(service.interfaceName())
            + "."
            + service.methodsClass()
            + "."
            + rpc.constant();
    String channel = service.variable("channel");
    String options = service.variable("options");
    String types = rpc.requestType() + ", " + rpc.responseType();
    String name = "{@code " + service.methodName(rpc) + "}";
    switch (rpc.kind()) {
      case UNARY -> {
        method(
            out,
            rpc,
            "Makes the unary call " + name + " and waits for its response.",
            rpc.responseType() + " " + rpc.method(),
            List.of(rpc.requestType() + " " + request),
            channel + ".unaryCall",
            List.of(descriptor, request, options));
        method(
            out,
            rpc,
            "Starts the unary call " + name + "; cancelling the future cancels the call.",
            "java.util.concurrent.CompletableFuture<"
                + rpc.responseType()
                + "> "
                + rpc.asyncMethod(),
            List.of(rpc.requestType() + " " + request),
            channel + ".unaryCallAsync",
            List.of(descriptor, request, options));
      }
      case SERVER_STREAMING ->
          method(
              out,
              rpc,
              "Starts the server-streaming call " + name + "; read the responses from the stream.",
              "dev.trunk.ResponseStream<" + rpc.responseType() + "> " + rpc.method(),
              List.of(rpc.requestType() + " " + request),
              channel + ".serverStreamingCall",
              List.of(descriptor, request, options));
      case CLIENT_STREAMING ->
          method(
              out,
              rpc,
              "Starts the client-streaming call "
                  + name
                  + ": send the requests, then complete the call for the response.",
              "dev.trunk.ClientStreamingCall<" + types + "> " + rpc.method(),
              List.of(),
              channel + ".clientStreamingCall",
              List.of(descriptor, options));
      case BIDI_STREAMING ->
          method(
              out,
              rpc,
              "Starts the bidirectional-streaming call "
                  + name
                  + ": send requests and receive responses independently.",
              "dev.trunk.BidiStreamingCall<" + types + "> " + rpc.method(),
              List.of(),
              channel + ".bidiStreamingCall",
              List.of(descriptor, options));
    }
  }

  private static void method(
      JavaWriter out,
      Rpc rpc,
      String note,
      String head,
      List<String> params,
      String callee,
      List<String> arguments) {
    out.line("").javadoc(Javadoc.withNote(rpc.doc(), note));
    if (rpc.deprecated()) {
      out.line(DEPRECATED);
    }
    out.openCall("public " + head, params).call("return " + callee, arguments, ";").close();
  }
}
