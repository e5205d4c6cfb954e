package dev.trunk.codegen;

import dev.trunk.codegen.ServiceModel.Rpc;
import java.util.List;

/**
 * Generates a service's server-side interface: one default method per proto method that fails with
 * {@code UNIMPLEMENTED}, {@code serviceDefinition()}, and a nested class with the method
 * descriptors and the definition that binds them to an implementation.
 */
final class ServiceGenerator {
  private static final String DEPRECATED = "@java.lang.Deprecated";

  private ServiceGenerator() {}

  /** The source of the interface {@code service.interfaceName()}. */
  static String generate(ServiceModel service) {
    JavaWriter out = new JavaWriter().header(service.protoFile(), service.javaPackage());
    out.javadoc(
        Javadoc.withNote(
            service.doc(),
            "The server side of {@code "
                + service.fullName()
                + "}: implement its methods and register the object with a server. A method"
                + " that is not overridden fails with {@code UNIMPLEMENTED}."));
    if (service.deprecated()) {
      out.line(DEPRECATED);
    }
    if (service.usesDeprecatedMessages()) {
      out.line("@java.lang.SuppressWarnings(\"deprecation\")");
    }
    out.open("public interface " + service.interfaceName() + " extends dev.trunk.Service");
    for (Rpc rpc : service.rpcs()) {
      out.line("");
      handler(out, service, rpc);
    }
    out.line("")
        .line("@java.lang.Override")
        .open("default dev.trunk.ServiceDefinition serviceDefinition()")
        .line("return " + service.methodsClass() + ".definition(this);")
        .close();
    out.line("");
    methodsClass(out, service);
    return out.close().toString();
  }

  private static void handler(JavaWriter out, ServiceModel service, Rpc rpc) {
    out.javadoc(
        Javadoc.withNote(
            rpc.doc(),
            "Handles the "
                + rpc.kind().description()
                + " {@code "
                + service.methodName(rpc)
                + "}."));
    if (rpc.deprecated()) {
      out.line(DEPRECATED);
    }
    String request = rpc.requestType() + " " + service.variable("request");
    String requests =
        "dev.trunk.StreamReceiver<" + rpc.requestType() + "> " + service.variable("requests");
    String responses =
        "dev.trunk.StreamSender<" + rpc.responseType() + "> " + service.variable("responses");
    String head = "default " + rpc.responseType() + " " + rpc.method();
    String voidHead = "default void " + rpc.method();
    switch (rpc.kind()) {
      case UNARY -> out.openCall(head, List.of(request));
      case SERVER_STREAMING -> out.openCall(voidHead, List.of(request, responses));
      case CLIENT_STREAMING -> out.openCall(head, List.of(requests));
      case BIDI_STREAMING -> out.openCall(voidHead, List.of(requests, responses));
    }
    out.line("throw dev.trunk.Status.UNIMPLEMENTED")
        .line("    .withDescription(\"Method " + service.methodName(rpc) + " is not implemented\")")
        .line("    .asException();")
        .close();
  }

  private static void methodsClass(JavaWriter out, ServiceModel service) {
    out.javadoc(
        List.of(
            "The method descriptors of {@code "
                + service.fullName()
                + "} and the definition that binds them to an implementation."));
    out.open("final class " + service.methodsClass());
    out.javadoc(List.of("The fully qualified name of the service."))
        .line(
            "public static final java.lang.String SERVICE_NAME = \"" + service.fullName() + "\";");
    for (Rpc rpc : service.rpcs()) {
      out.line("").javadoc(List.of("The descriptor of {@code " + service.methodName(rpc) + "}."));
      if (rpc.deprecated()) {
        out.line(DEPRECATED);
      }
      out.line(
              "public static final dev.trunk.MethodDescriptor<"
                  + rpc.requestType()
                  + ", "
                  + rpc.responseType()
                  + "> "
                  + rpc.constant()
                  + " =")
          .line("    dev.trunk.MethodDescriptor.of(")
          .line("        SERVICE_NAME,")
          .line("        \"" + rpc.protoName() + "\",")
          .line("        dev.trunk.MethodDescriptor.Type." + rpc.kind().name() + ",")
          .line("        dev.trunk.Codec.protobuf(" + rpc.requestType() + ".getDefaultInstance()),")
          .line(
              "        dev.trunk.Codec.protobuf("
                  + rpc.responseType()
                  + ".getDefaultInstance()))"
                  + (rpc.noSideEffects() ? "" : ";"));
      if (rpc.noSideEffects()) {
        out.line("        .withNoSideEffects();"); // GET in Connect (idempotency_level)
      }
    }
    out.line("").line("private " + service.methodsClass() + "() {}").line("");
    String impl = service.variable("impl");
    out.javadoc(
            List.of("The definition of the service, each method bound to {@code " + impl + "}."))
        .openCall(
            "public static dev.trunk.ServiceDefinition definition",
            List.of(service.qualified(service.interfaceName()) + " " + impl))
        .line("return dev.trunk.ServiceDefinition.builder(SERVICE_NAME)");
    for (Rpc rpc : service.rpcs()) {
      out.line(
          "    ."
              + rpc.kind().builderMethod()
              + "("
              + rpc.constant()
              + ", "
              + impl
              + "::"
              + rpc.method()
              + ")");
    }
    out.line("    .schema(" + service.schemaClass() + ".getDescriptor())")
        .line("    .build();")
        .close()
        .close();
  }
}
