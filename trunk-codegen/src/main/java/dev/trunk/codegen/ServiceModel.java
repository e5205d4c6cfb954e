package dev.trunk.codegen;

import java.util.List;
import java.util.Set;

/**
 * One service of a proto file with every Java name its generated interface and client use.
 *
 * @param protoFile the name of the file that defines the service, as protoc gave it
 * @param javaPackage the Java package of the generated classes; empty for the default package
 * @param fullName the fully qualified proto name of the service ({@code pkg.Service})
 * @param interfaceName the simple name of the generated service interface
 * @param clientName the simple name of the generated client class
 * @param methodsClass the simple name of the interface's nested class of descriptors
 * @param schemaClass the fully qualified outer class of the file, whose descriptor is the schema
 * @param deprecated whether the service has {@code option deprecated = true}
 * @param usesDeprecatedMessages whether a method's request or response class may be deprecated, so
 *     that the generated classes suppress deprecation warnings
 * @param doc the service's comment as escaped Javadoc lines
 * @param rpcs the service's methods in proto order
 * @param roots the first components of the qualified names the generated code refers to, which no
 *     generated variable may take
 * @param warnings what the plugin says on standard error about this service: one line per name that
 *     had to change, with the element, the name it would have had, the name it got and why
 */
record ServiceModel(
    String protoFile,
    String javaPackage,
    String fullName,
    String interfaceName,
    String clientName,
    String methodsClass,
    String schemaClass,
    boolean deprecated,
    boolean usesDeprecatedMessages,
    List<String> doc,
    List<Rpc> rpcs,
    Set<String> roots,
    List<String> warnings) {

  /** The four kinds of call, named as trunk-core names them. */
  enum Kind {
    UNARY("unary", "unaryCall", "unary call"),
    SERVER_STREAMING("serverStreaming", "serverStreamingCall", "server-streaming call"),
    CLIENT_STREAMING("clientStreaming", "clientStreamingCall", "client-streaming call"),
    BIDI_STREAMING("bidiStreaming", "bidiStreamingCall", "bidirectional-streaming call");

    private final String builderMethod;
    private final String channelMethod;
    private final String description;

    Kind(String builderMethod, String channelMethod, String description) {
      this.builderMethod = builderMethod;
      this.channelMethod = channelMethod;
      this.description = description;
    }

    /** The kind of a method that streams requests and/or responses as given. */
    static Kind of(boolean clientStreaming, boolean serverStreaming) {
      if (clientStreaming) {
        return serverStreaming ? BIDI_STREAMING : CLIENT_STREAMING;
      }
      return serverStreaming ? SERVER_STREAMING : UNARY;
    }

    /** The {@code ServiceDefinition.Builder} method that registers a handler of this kind. */
    String builderMethod() {
      return builderMethod;
    }

    /** The {@code Channel} method that starts a call of this kind. */
    String channelMethod() {
      return channelMethod;
    }

    /** The kind in words: {@code unary call}, {@code server-streaming call}, ... */
    String description() {
      return description;
    }
  }

  /**
   * One method of the service.
   *
   * @param protoName the method's name in the proto file
   * @param kind unary or which side streams
   * @param requestType the fully qualified Java class of the request message
   * @param responseType the fully qualified Java class of the response message
   * @param constant the name of its descriptor constant in the nested descriptors class
   * @param method the name of its method, the same in the service interface and the client
   * @param asyncMethod the name of the client's asynchronous variant of a unary method; empty for
   *     streaming methods
   * @param deprecated whether the method has {@code option deprecated = true}
   * @param noSideEffects whether the method has {@code option idempotency_level = NO_SIDE_EFFECTS}
   * @param doc the method's comment as escaped Javadoc lines
   */
  record Rpc(
      String protoName,
      Kind kind,
      String requestType,
      String responseType,
      String constant,
      String method,
      String asyncMethod,
      boolean deprecated,
      boolean noSideEffects,
      List<String> doc) {}

  /** {@code simpleName} qualified by the generated classes' package. */
  String qualified(String simpleName) {
    return JavaNames.qualify(javaPackage, simpleName);
  }

  /** The proto name of a method of this service, as in gRPC paths: {@code pkg.Service/Method}. */
  String methodName(Rpc rpc) {
    return fullName + "/" + rpc.protoName();
  }

  /**
   * The name of a generated variable (parameter or field) meant to be {@code name}: suffixed with
   * {@code _} if it would obscure the package or class a qualified name starts with.
   */
  String variable(String name) {
    Namespace taken = new Namespace();
    roots.forEach(root -> taken.take(root, "starts a qualified name the generated code uses"));
    return taken.choose(name).name();
  }
}
