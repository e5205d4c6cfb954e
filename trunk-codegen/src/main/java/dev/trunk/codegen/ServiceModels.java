package dev.trunk.codegen;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import dev.trunk.codegen.ServiceModel.Kind;
import dev.trunk.codegen.ServiceModel.Rpc;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds the {@link ServiceModel} of each service, choosing every generated name.
 *
 * <p>Class names are chosen for a whole Java package at once, from all files of the request in that
 * package, in the order protoc lists files and services: first each service's interface (the
 * service name), then each client (the service name plus {@code Client}). A name gets a {@code _}
 * suffix (repeatedly) while it is a Java keyword or restricted type name, a top-level class
 * protobuf generates in the package, a class already named, or the first component of a qualified
 * name the service's generated code uses.
 *
 * <p>Method names are the lowerCamelCase of the proto names, suffixed with {@code _} while they are
 * keywords, {@link Object} methods, members the class itself declares ({@code serviceDefinition} in
 * the interface; {@code create}, {@code options} and the {@code with...} methods in the client) or
 * names given to an earlier method. The client's asynchronous variant of a unary method is named
 * after all methods, so it yields to them. Descriptor constants are the UPPER_SNAKE_CASE of the
 * proto names and yield to {@code SERVICE_NAME} and earlier constants.
 */
final class ServiceModels {
  /** Names no interface method takes: {@link Object} methods and the interface's own member. */
  private static final Set<String> INTERFACE_RESERVED = reserved("serviceDefinition");

  /** Names no client method takes: {@link Object} methods and the client's own members. */
  private static final Set<String> CLIENT_RESERVED =
      reserved(
          "create",
          "options",
          "withOptions",
          "withTimeout",
          "withDeadline",
          "withMetadata",
          "withCompression");

  private final Map<String, FileDescriptorProto> files = new LinkedHashMap<>();
  private final JavaNames javaNames;
  private final Set<String> namedPackages = new HashSet<>();
  private final Map<String, String> interfaceNames = new HashMap<>();
  private final Map<String, String> clientNames = new HashMap<>();

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
    String fullName =
        file.getPackage().isEmpty()
            ? service.getName()
            : file.getPackage() + "." + service.getName();
    Set<String> roots = roots(file, service);
    String interfaceName = interfaceNames.get(key(file, index));
    String methodsClass =
        Identifiers.unique("Methods", name -> name.equals(interfaceName) || roots.contains(name));

    Set<String> constants = new HashSet<>(Set.of("SERVICE_NAME"));
    Set<String> serverMethods = new HashSet<>();
    Set<String> clientMethods = new HashSet<>();
    record Names(String constant, String server, String client) {}
    List<Names> names = new ArrayList<>();
    for (MethodDescriptorProto method : service.getMethodList()) {
      String base = Identifiers.lowerCamel(method.getName());
      names.add(
          new Names(
              claim(Identifiers.upperSnake(method.getName()), constants, roots),
              claim(base, serverMethods, INTERFACE_RESERVED),
              claim(base, clientMethods, CLIENT_RESERVED)));
    }
    List<Rpc> rpcs = new ArrayList<>();
    for (int i = 0; i < service.getMethodCount(); i++) {
      MethodDescriptorProto method = service.getMethod(i);
      Kind kind = Kind.of(method.getClientStreaming(), method.getServerStreaming());
      String asyncMethod =
          kind == Kind.UNARY
              ? claim(
                  Identifiers.lowerCamel(method.getName()) + "Async",
                  clientMethods,
                  CLIENT_RESERVED)
              : "";
      rpcs.add(
          new Rpc(
              method.getName(),
              kind,
              javaNames.messageClass(method.getInputType()),
              javaNames.messageClass(method.getOutputType()),
              names.get(i).constant(),
              names.get(i).server(),
              names.get(i).client(),
              asyncMethod,
              method.getOptions().getDeprecated(),
              javadoc.method(index, i)));
    }
    return new ServiceModel(
        file.getName(),
        javaPackage,
        fullName,
        interfaceName,
        clientNames.get(key(file, index)),
        methodsClass,
        JavaNames.qualify(javaPackage, JavaNames.outerClassName(file)),
        service.getOptions().getDeprecated(),
        service.getMethodList().stream()
            .anyMatch(
                m ->
                    javaNames.isDeprecated(m.getInputType())
                        || javaNames.isDeprecated(m.getOutputType())),
        javadoc.service(index),
        List.copyOf(rpcs),
        Set.copyOf(roots));
  }

  /** Names the interface and client of every service of the request in {@code javaPackage}. */
  private void nameClasses(String javaPackage) {
    if (!namedPackages.add(javaPackage)) {
      return;
    }
    List<FileDescriptorProto> inPackage =
        files.values().stream().filter(f -> JavaNames.javaPackage(f).equals(javaPackage)).toList();
    Set<String> named = new HashSet<>();
    for (boolean clients : new boolean[] {false, true}) {
      for (FileDescriptorProto file : inPackage) {
        for (int i = 0; i < file.getServiceCount(); i++) {
          ServiceDescriptorProto service = file.getService(i);
          Set<String> roots = roots(file, service);
          String name =
              Identifiers.unique(
                  clients ? service.getName() + "Client" : service.getName(),
                  n ->
                      named.contains(n)
                          || roots.contains(n)
                          || Identifiers.RESTRICTED_TYPE_NAMES.contains(n)
                          || javaNames.isProtobufClass(javaPackage, n));
          named.add(name);
          (clients ? clientNames : interfaceNames).put(key(file, i), name);
        }
      }
    }
  }

  /**
   * The first components of the qualified names a service's generated code uses: {@code dev}
   * (Trunk), {@code java}, and those of the schema class and the message classes.
   */
  private Set<String> roots(FileDescriptorProto file, ServiceDescriptorProto service) {
    Set<String> roots = new TreeSet<>(List.of("dev", "java"));
    String javaPackage = JavaNames.javaPackage(file);
    roots.add(Identifiers.root(JavaNames.qualify(javaPackage, JavaNames.outerClassName(file))));
    for (MethodDescriptorProto method : service.getMethodList()) {
      roots.add(Identifiers.root(javaNames.messageClass(method.getInputType())));
      roots.add(Identifiers.root(javaNames.messageClass(method.getOutputType())));
    }
    return roots;
  }

  /** {@code name}, made unique against {@code claimed} and {@code reserved}, and claimed. */
  private static String claim(String name, Set<String> claimed, Set<String> reserved) {
    String unique = Identifiers.unique(name, n -> claimed.contains(n) || reserved.contains(n));
    claimed.add(unique);
    return unique;
  }

  private static Set<String> reserved(String... members) {
    Set<String> reserved = new HashSet<>(Identifiers.OBJECT_METHODS);
    reserved.addAll(List.of(members));
    return Set.copyOf(reserved);
  }

  private static String key(FileDescriptorProto file, int serviceIndex) {
    return file.getName() + "#" + serviceIndex;
  }
}
