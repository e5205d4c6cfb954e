package dev.trunk.codegen;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.MethodOptions.IdempotencyLevel;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import dev.trunk.codegen.Namespace.Choice;
import dev.trunk.codegen.ServiceModel.Kind;
import dev.trunk.codegen.ServiceModel.Rpc;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the {@link ServiceModel} of each service, choosing every generated name, and says which
 * names had to change.
 *
 * <p>Every name is chosen by one rule ({@link Namespace}): the natural name, with {@code _}
 * appended while it is a Java keyword or literal or already taken in its scope.
 *
 * <p>Class names are chosen for a whole Java package at once, from all files of the request in that
 * package, in the order protoc lists files and services: first each service's interface (the
 * service name), then each client (the service name plus {@code Client}). Taken are restricted type
 * names, top-level classes protobuf generates in the package, classes already named, and the first
 * component of a qualified name the service's generated code uses.
 *
 * <p>Each rpc gets one method name, used by the interface and the client alike: the lowerCamelCase
 * of its proto name. Taken are {@link Object} methods, the members of the interface ({@code
 * serviceDefinition}) and of the client ({@code create}, {@code options}, the {@code with...}
 * methods), and the names of earlier rpcs. The client's asynchronous variant of a unary rpc is its
 * method name plus {@code Async}, chosen after every rpc's method name, so it yields to them.
 * Descriptor constants are the UPPER_SNAKE_CASE of the proto names and yield to {@code
 * SERVICE_NAME} and earlier constants.
 */
final class ServiceModels {
  /** The client's own members, which no rpc method may take. */
  private static final List<String> CLIENT_MEMBERS =
      List.of(
          "create",
          "options",
          "withOptions",
          "withTimeout",
          "withDeadline",
          "withMetadata",
          "withCompression");

  /** The members the interface inherits from {@code dev.trunk.Service}. */
  private static final List<String> INTERFACE_MEMBERS = List.of("serviceDefinition");

  /** How every warning line starts, so that it stands out among protoc's output. */
  private static final String WARNING = "trunk-codegen: warning: ";

  private final Map<String, FileDescriptorProto> files = new LinkedHashMap<>();
  private final JavaNames javaNames;
  private final Set<String> namedPackages = new HashSet<>();
  private final Map<String, Choice> interfaceNames = new HashMap<>();
  private final Map<String, Choice> clientNames = new HashMap<>();

  /** Models for the services of {@code files}, a request's proto_file. */
  ServiceModels(List<FileDescriptorProto> files) {
    for (FileDescriptorProto file : files) {
      this.files.put(file.getName(), file);
    }
    this.javaNames = new JavaNames(files);
  }

  /**
   * The services of the file {@code fileName}, in proto order.
   *
   * @throws CodegenException if the request has no such file or a method's message is missing
   */
  List<ServiceModel> of(String fileName) {
    FileDescriptorProto file = files.get(fileName);
    if (file == null) {
      throw new CodegenException("file_to_generate " + fileName + " is not in proto_file");
    }
    nameClasses(JavaNames.javaPackage(file));
    Javadoc javadoc = new Javadoc(file.getSourceCodeInfo());
    List<ServiceModel> models = new ArrayList<>();
    for (int i = 0; i < file.getServiceCount(); i++) {
      models.add(model(file, i, javadoc));
    }
    return models;
  }

  private ServiceModel model(FileDescriptorProto file, int index, Javadoc javadoc) {
    ServiceDescriptorProto service = file.getService(index);
    String javaPackage = JavaNames.javaPackage(file);
    String fullName = JavaNames.protoName(file, service.getName());
    Map<String, String> roots = roots(file, service);
    Choice interfaceName = interfaceNames.get(key(file, index));
    Choice clientName = clientNames.get(key(file, index));
    List<String> warnings = new ArrayList<>();
    warnIfRenamed(warnings, "service " + fullName + ": its interface is ", interfaceName);
    warnIfRenamed(warnings, "service " + fullName + ": its client is ", clientName);
    Choice methodsClass =
        withRoots(new Namespace(), roots)
            .take(interfaceName.name(), "is already the name of the interface")
            .choose("Methods");
    warnIfRenamed(
        warnings,
        "service " + fullName + ": its descriptor class in " + interfaceName.name() + " is ",
        methodsClass);

    Namespace methods = methodNamespace(interfaceName.name(), clientName.name());
    Namespace constants =
        withRoots(new Namespace(), roots)
            .take("SERVICE_NAME", "is already the constant of the service's name");
    List<String> methodNames = new ArrayList<>();
    List<String> constantNames = new ArrayList<>();
    for (MethodDescriptorProto method : service.getMethodList()) {
      String rpc = "rpc " + fullName + "." + method.getName();
      Choice name =
          methods.claim(
              Identifiers.lowerCamel(method.getName()), "is already the method of " + rpc);
      warnIfRenamed(
          warnings,
          rpc + " is ",
          name,
          " in Java, in both " + interfaceName.name() + " and " + clientName.name() + ",");
      Choice constant =
          constants.claim(
              Identifiers.upperSnake(method.getName()), "is already the constant of " + rpc);
      warnIfRenamed(
          warnings,
          rpc
              + ": its descriptor constant in "
              + interfaceName.name()
              + "."
              + methodsClass.name()
              + " is ",
          constant);
      methodNames.add(name.name());
      constantNames.add(constant.name());
    }
    List<Rpc> rpcs = new ArrayList<>();
    for (int i = 0; i < service.getMethodCount(); i++) {
      MethodDescriptorProto method = service.getMethod(i);
      Kind kind = Kind.of(method.getClientStreaming(), method.getServerStreaming());
      String rpc = "rpc " + fullName + "." + method.getName();
      String asyncMethod = "";
      if (kind == Kind.UNARY) {
        Choice async =
            methods.claim(methodNames.get(i) + "Async", "is already the async method of " + rpc);
        warnIfRenamed(warnings, rpc + ": its async method in " + clientName.name() + " is ", async);
        asyncMethod = async.name();
      }
      rpcs.add(
          new Rpc(
              method.getName(),
              kind,
              javaNames.messageClass(method.getInputType()),
              javaNames.messageClass(method.getOutputType()),
              constantNames.get(i),
              methodNames.get(i),
              asyncMethod,
              method.getOptions().getDeprecated(),
              method.getOptions().getIdempotencyLevel() == IdempotencyLevel.NO_SIDE_EFFECTS,
              javadoc.method(index, i)));
    }
    return new ServiceModel(
        file.getName(),
        javaPackage,
        fullName,
        interfaceName.name(),
        clientName.name(),
        methodsClass.name(),
        JavaNames.qualify(javaPackage, JavaNames.outerClassName(file)),
        service.getOptions().getDeprecated(),
        service.getMethodList().stream()
            .anyMatch(
                m ->
                    javaNames.isDeprecated(m.getInputType())
                        || javaNames.isDeprecated(m.getOutputType())),
        javadoc.service(index),
        List.copyOf(rpcs),
        Set.copyOf(roots.keySet()),
        List.copyOf(warnings));
  }

  /**
   * Adds a warning when {@code choice} is a rename: {@code subject} (ending in {@code is }), then
   * {@code named NEW instead of OLD}, {@code where} (empty, or leading with a space) and why.
   */
  private static void warnIfRenamed(
      List<String> warnings, String subject, Choice choice, String where) {
    if (choice.renamed()) {
      warnings.add(WARNING + subject + choice.renaming() + where + " " + choice.because());
    }
  }

  private static void warnIfRenamed(List<String> warnings, String subject, Choice choice) {
    warnIfRenamed(warnings, subject, choice, "");
  }

  /**
   * The names no rpc method may take: {@link Object}'s methods and the members of the interface and
   * the client, which both declare every rpc's method.
   */
  private static Namespace methodNamespace(String interfaceName, String clientName) {
    Namespace methods = new Namespace();
    Identifiers.OBJECT_METHODS.forEach(m -> methods.take(m, "is a method of java.lang.Object"));
    INTERFACE_MEMBERS.forEach(
        m ->
            methods.take(
                m, "is already a member of " + interfaceName + " (from dev.trunk.Service)"));
    CLIENT_MEMBERS.forEach(m -> methods.take(m, "is already a member of " + clientName));
    return methods;
  }

  /** {@code namespace} with the roots taken: a name there would obscure a package or class. */
  private static Namespace withRoots(Namespace namespace, Map<String, String> roots) {
    roots.forEach(
        (root, qualified) ->
            namespace.take(
                root,
                "would obscure the start of " + qualified + ", which the generated code uses"));
    return namespace;
  }

  /** Names the interface and client of every service of the request in {@code javaPackage}. */
  private void nameClasses(String javaPackage) {
    if (!namedPackages.add(javaPackage)) {
      return;
    }
    List<FileDescriptorProto> inPackage =
        files.values().stream().filter(f -> JavaNames.javaPackage(f).equals(javaPackage)).toList();
    Namespace classes = new Namespace();
    Identifiers.RESTRICTED_TYPE_NAMES.forEach(
        n -> classes.take(n, "is a contextual keyword that cannot name a Java type"));
    javaNames
        .protobufClasses(javaPackage)
        .forEach((n, what) -> classes.take(n, "is already " + what));
    for (boolean clients : new boolean[] {false, true}) {
      for (FileDescriptorProto file : inPackage) {
        for (int i = 0; i < file.getServiceCount(); i++) {
          ServiceDescriptorProto service = file.getService(i);
          Choice name =
              withRoots(classes.copy(), roots(file, service))
                  .choose(clients ? service.getName() + "Client" : service.getName());
          String fullName = JavaNames.protoName(file, service.getName());
          classes.take(
              name.name(),
              (clients
                      ? "is already the client of service "
                      : "is already the interface of service ")
                  + fullName);
          (clients ? clientNames : interfaceNames).put(key(file, i), name);
        }
      }
    }
  }

  /**
   * The first components of the qualified names a service's generated code uses: {@code dev}
   * (Trunk), {@code java}, and those of the schema class and the message classes; each with the
   * first qualified name that starts with it.
   */
  private Map<String, String> roots(FileDescriptorProto file, ServiceDescriptorProto service) {
    List<String> used = new ArrayList<>(List.of("dev.trunk.Channel", "java.lang.String"));
    used.add(JavaNames.qualify(JavaNames.javaPackage(file), JavaNames.outerClassName(file)));
    for (MethodDescriptorProto method : service.getMethodList()) {
      used.add(javaNames.messageClass(method.getInputType()));
      used.add(javaNames.messageClass(method.getOutputType()));
    }
    Map<String, String> roots = new LinkedHashMap<>();
    used.forEach(qualified -> roots.putIfAbsent(Identifiers.root(qualified), qualified));
    return roots;
  }

  private static String key(FileDescriptorProto file, int serviceIndex) {
    return file.getName() + "#" + serviceIndex;
  }
}
