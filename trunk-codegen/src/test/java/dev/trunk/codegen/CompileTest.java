package dev.trunk.codegen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Empty;
import com.google.protobuf.compiler.PluginProtos.CodeGeneratorResponse;
import dev.trunk.BidiStreamingCall;
import dev.trunk.CallOptions;
import dev.trunk.Channel;
import dev.trunk.ClientStreamingCall;
import dev.trunk.MethodDescriptor;
import dev.trunk.ResponseStream;
import dev.trunk.ServiceDefinition;
import dev.trunk.Status;
import dev.trunk.StatusException;
import dev.trunk.StreamReceiver;
import dev.trunk.StreamSender;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Compiles protoc's Java output for the test protos together with the generated Trunk sources and a
 * user class, then loads the classes and checks their shape and behaviour.
 */
class CompileTest {
  /** Uses a deprecated method (line 5) and a deprecated client (line 6). */
  private static final String USER_SOURCE =
      """
      package user;
      class UsesDeprecated {
        static void use(dev.trunk.Channel channel) {
          trunk.test.collisions.CollisionsClient_ client = trunk.test.collisions.CollisionsClient_.create(channel);
          client.old(trunk.test.collisions.CollisionsOuterClass.Status.getDefaultInstance());
          trunk.test.legacy.LegacyClient legacy = null;
        }
      }
      """;

  private static final List<Diagnostic<? extends JavaFileObject>> diagnostics = new ArrayList<>();
  private static Path trunkSources;
  private static URLClassLoader loader;

  @BeforeAll
  static void compile() throws IOException {
    Path protobufSources = TestProtos.freshDirectory("compile/protobuf");
    List<String> args = new ArrayList<>(List.of("--java_out=" + protobufSources));
    args.addAll(TestProtos.files());
    TestProtos.protoc(args);

    trunkSources = TestProtos.freshDirectory("compile/trunk");
    CodeGeneratorResponse response = TestProtos.generate(TestProtos.request());
    assertThat(response.getError()).isEmpty();
    for (CodeGeneratorResponse.File file : response.getFileList()) {
      Path path = trunkSources.resolve(file.getName());
      Files.createDirectories(path.getParent());
      Files.writeString(path, file.getContent());
    }
    Path userSources = TestProtos.freshDirectory("compile/user");
    Files.createDirectories(userSources.resolve("user"));
    Files.writeString(userSources.resolve("user/UsesDeprecated.java"), USER_SOURCE);

    Path classes = TestProtos.freshDirectory("compile/classes");
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> collector = new DiagnosticCollector<>();
    try (StandardJavaFileManager files =
        javac.getStandardFileManager(collector, Locale.ROOT, null)) {
      List<Path> sources = new ArrayList<>();
      for (Path root : List.of(protobufSources, trunkSources, userSources)) {
        try (Stream<Path> paths = Files.walk(root)) {
          paths.filter(p -> p.toString().endsWith(".java")).forEach(sources::add);
        }
      }
      List<String> options =
          List.of(
              "--release",
              "21",
              "-proc:none",
              "-Xlint:all",
              "-encoding",
              "UTF-8",
              "-classpath",
              System.getProperty("java.class.path"),
              "-d",
              classes.toString());
      boolean ok =
          javac
              .getTask(
                  null, files, collector, options, null, files.getJavaFileObjectsFromPaths(sources))
              .call();
      diagnostics.addAll(collector.getDiagnostics());
      assertThat(ok).as("javac: %s", diagnostics).isTrue();
    }
    loader =
        new URLClassLoader(new URL[] {classes.toUri().toURL()}, CompileTest.class.getClassLoader());
  }

  @AfterAll
  static void close() throws IOException {
    loader.close();
  }

  @Test
  void everythingCompilesWithoutErrors() {
    assertThat(diagnostics).noneMatch(d -> d.getKind() == Diagnostic.Kind.ERROR);
  }

  @Test
  void theGeneratedSourcesCompileWithoutAnyWarning() {
    assertThat(diagnostics)
        .filteredOn(d -> d.getSource() != null)
        .noneMatch(d -> Path.of(d.getSource().toUri()).startsWith(trunkSources));
  }

  @Test
  void usingADeprecatedMethodOrServiceWarns() {
    assertThat(diagnostics)
        .filteredOn(d -> d.getCode().equals("compiler.warn.has.been.deprecated"))
        .filteredOn(d -> d.getSource().getName().endsWith("UsesDeprecated.java"))
        .extracting(Diagnostic::getLineNumber)
        .containsExactlyInAnyOrder(5L, 6L);
  }

  @Test
  void theServiceInterfaceHasADefaultMethodPerRpcInProtoOrder() throws Exception {
    Class<?> service = load("dev.trunk.test.routeguide.RouteGuide");
    Class<?> point = load("trunk.test.common.Common$Point");
    Class<?> feature = load("dev.trunk.test.routeguide.Feature");

    assertThat(service.isInterface()).isTrue();
    assertThat(dev.trunk.Service.class).isAssignableFrom(service);
    Method getFeature = service.getMethod("getFeature", point);
    assertThat(getFeature.isDefault()).isTrue();
    assertThat(getFeature.getReturnType()).isEqualTo(feature);
    assertThat(
            service
                .getMethod(
                    "listFeatures", load("dev.trunk.test.routeguide.Rectangle"), StreamSender.class)
                .getReturnType())
        .isEqualTo(void.class);
    assertThat(service.getMethod("recordRoute", StreamReceiver.class).getReturnType())
        .isEqualTo(load("dev.trunk.test.routeguide.RouteSummary"));
    assertThat(
            service
                .getMethod("routeChat", StreamReceiver.class, StreamSender.class)
                .getReturnType())
        .isEqualTo(void.class);
    assertThat(service.getMethod("ping", Empty.class).getReturnType()).isEqualTo(Empty.class);
    assertThat(
            service
                .getMethod("describe", load("trunk.test.common.Common$Outer$Inner"))
                .getReturnType())
        .isEqualTo(load("dev.trunk.test.routeguide.Feature$Detail"));
  }

  @Test
  void theServiceDefinitionBindsEveryMethodAndTheSchema() throws Exception {
    Object impl = defaultImplementation(load("dev.trunk.test.routeguide.RouteGuide"));

    ServiceDefinition definition = ((dev.trunk.Service) impl).serviceDefinition();

    assertThat(definition.name()).isEqualTo("trunk.test.routeguide.RouteGuide");
    assertThat(definition.methods())
        .extracting(m -> m.descriptor().methodName() + " " + m.descriptor().type())
        .containsExactly(
            "GetFeature UNARY",
            "ListFeatures SERVER_STREAMING",
            "RecordRoute CLIENT_STREAMING",
            "RouteChat BIDI_STREAMING",
            "Ping UNARY",
            "Describe UNARY");
    assertThat(definition.schema())
        .get()
        .extracting(FileDescriptor::getName)
        .isEqualTo("trunk/test/route_guide.proto");
  }

  @Test
  void aMethodThatIsNotOverriddenFailsWithUnimplemented() throws Exception {
    Class<?> service = load("dev.trunk.test.routeguide.RouteGuide");
    Class<?> point = load("trunk.test.common.Common$Point");
    Object impl = defaultImplementation(service);
    Method getFeature = service.getMethod("getFeature", point);
    Object request = point.getMethod("getDefaultInstance").invoke(null);

    assertThatThrownBy(() -> invoke(getFeature, impl, request))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> {
              assertThat(e.status().code()).isEqualTo(Status.Code.UNIMPLEMENTED);
              assertThat(e.status().description())
                  .isEqualTo(
                      "Method trunk.test.routeguide.RouteGuide/GetFeature is not implemented");
            });
  }

  @Test
  void theMethodsClassHoldsTheServiceNameAndOneDescriptorPerRpc() throws Exception {
    Class<?> methods = load("dev.trunk.test.routeguide.RouteGuide$Methods");

    assertThat(methods.getField("SERVICE_NAME").get(null))
        .isEqualTo("trunk.test.routeguide.RouteGuide");
    MethodDescriptor<?, ?> getFeature =
        (MethodDescriptor<?, ?>) methods.getField("GET_FEATURE").get(null);
    assertThat(getFeature.fullName()).isEqualTo("trunk.test.routeguide.RouteGuide/GetFeature");
    assertThat(getFeature.type()).isEqualTo(MethodDescriptor.Type.UNARY);
    assertThat(getFeature.noSideEffects()).as("idempotency_level = NO_SIDE_EFFECTS").isTrue();
    MethodDescriptor<?, ?> listFeatures =
        (MethodDescriptor<?, ?>) methods.getField("LIST_FEATURES").get(null);
    assertThat(listFeatures.noSideEffects()).isFalse();
    assertThat(Modifier.isPrivate(methods.getDeclaredConstructor().getModifiers())).isTrue();
  }

  @Test
  void theClientCallsTheChannelWithItsDescriptorsAndOptions() throws Exception {
    List<Object[]> calls = new ArrayList<>();
    Channel channel = recordingChannel(calls);
    Class<?> clientClass = load("dev.trunk.test.routeguide.RouteGuideClient");
    Class<?> point = load("trunk.test.common.Common$Point");
    Object request = point.getMethod("getDefaultInstance").invoke(null);
    Object client = clientClass.getMethod("create", Channel.class).invoke(null, channel);
    client =
        clientClass.getMethod("withTimeout", Duration.class).invoke(client, Duration.ofSeconds(3));

    clientClass.getMethod("getFeature", point).invoke(client, request);
    clientClass.getMethod("getFeatureAsync", point).invoke(client, request);
    clientClass
        .getMethod("listFeatures", load("dev.trunk.test.routeguide.Rectangle"))
        .invoke(client, (Object) null);
    clientClass.getMethod("recordRoute").invoke(client);
    clientClass.getMethod("routeChat").invoke(client);

    assertThat(calls)
        .extracting(c -> c[0] + " " + ((MethodDescriptor<?, ?>) c[1]).methodName())
        .containsExactly(
            "unaryCall GetFeature",
            "unaryCallAsync GetFeature",
            "serverStreamingCall ListFeatures",
            "clientStreamingCall RecordRoute",
            "bidiStreamingCall RouteChat");
    assertThat(calls)
        .allSatisfy(
            c ->
                assertThat(((CallOptions) c[c.length - 1]).timeout())
                    .contains(Duration.ofSeconds(3)));
    CallOptions options = (CallOptions) clientClass.getMethod("options").invoke(client);
    assertThat(options.timeout()).contains(Duration.ofSeconds(3));
  }

  @Test
  void theClientMethodsReturnTheTrunkCallTypes() throws Exception {
    Class<?> client = load("dev.trunk.test.routeguide.RouteGuideClient");

    assertThat(Modifier.isFinal(client.getModifiers())).isTrue();
    assertThat(
            client
                .getMethod("getFeatureAsync", load("trunk.test.common.Common$Point"))
                .getReturnType())
        .isEqualTo(CompletableFuture.class);
    assertThat(
            client
                .getMethod("listFeatures", load("dev.trunk.test.routeguide.Rectangle"))
                .getReturnType())
        .isEqualTo(ResponseStream.class);
    assertThat(client.getMethod("recordRoute").getReturnType())
        .isEqualTo(ClientStreamingCall.class);
    assertThat(client.getMethod("routeChat").getReturnType()).isEqualTo(BidiStreamingCall.class);
    assertThat(client.getDeclaredFields()).allMatch(f -> Modifier.isFinal(f.getModifiers()));
  }

  @Test
  void everyRpcHasTheSameMethodNameInTheInterfaceAndTheClient() throws Exception {
    Map<String, String> clients =
        Map.of(
            "trunk.test.store.Store", "trunk.test.store.StoreClient",
            "trunk.test.collisions.Collisions", "trunk.test.collisions.CollisionsClient_",
            "dev.trunk.test.routeguide.RouteGuide", "dev.trunk.test.routeguide.RouteGuideClient",
            "channel.greeter.Greeter", "channel.greeter.GreeterClient_");
    for (Map.Entry<String, String> service : clients.entrySet()) {
      Class<?> client = load(service.getValue());
      for (Method handler : load(service.getKey()).getDeclaredMethods()) {
        if (handler.getName().equals("serviceDefinition")) {
          continue;
        }
        Class<?>[] requestTypes =
            Arrays.stream(handler.getParameterTypes())
                .filter(t -> t != StreamSender.class && t != StreamReceiver.class)
                .toArray(Class<?>[]::new);
        assertThat(client.getMethod(handler.getName(), requestTypes).getReturnType())
            .as("%s.%s", client.getName(), handler.getName())
            .isNotEqualTo(client);
        if (handler.getParameterCount() == 1 && requestTypes.length == 1) {
          assertThat(client.getMethods())
              .as("the async method of %s.%s", client.getName(), handler.getName())
              .anySatisfy(
                  async -> {
                    assertThat(async.getName()).matches(handler.getName() + "Async_*");
                    assertThat(async.getParameterTypes()).isEqualTo(requestTypes);
                    assertThat(async.getReturnType()).isEqualTo(CompletableFuture.class);
                  });
        }
      }
    }
  }

  @Test
  void anRpcWhoseNameIsTakenIsRenamedTheSameWayOnBothSides() throws Exception {
    Class<?> item = load("trunk.test.store.StoreOuterClass$Item");

    assertThat(rpcMethodNames(load("trunk.test.store.Store"), item))
        .containsExactlyInAnyOrder(
            "create_",
            "class_",
            "toString_",
            "getThing",
            "getThing_",
            "foo",
            "fooAsync",
            "withTimeout_",
            "serviceDefinition_",
            "upload");
    assertThat(rpcMethodNames(load("trunk.test.store.StoreClient"), item))
        .containsExactlyInAnyOrder(
            "create_",
            "create_Async",
            "class_",
            "class_Async",
            "toString_",
            "toString_Async",
            "getThing",
            "getThingAsync",
            "getThing_",
            "getThing_Async",
            "foo",
            "fooAsync_",
            "fooAsync",
            "fooAsyncAsync",
            "withTimeout_",
            "serviceDefinition_",
            "upload");
  }

  @Test
  void collidingMethodNamesGetAnUnderscoreOnlyWhereTheyCollide() throws Exception {
    Class<?> service = load("trunk.test.collisions.Collisions");
    Class<?> client = load("trunk.test.collisions.CollisionsClient_");

    List<String> renamed =
        List.of(
            "class_",
            "default_",
            "true_",
            "getClass_",
            "hashCode_",
            "equals_",
            "toString_",
            "clone_",
            "finalize_",
            "notify_",
            "notifyAll_",
            "wait_",
            "serviceDefinition_",
            "create_",
            "withOptions_",
            "withTimeout_",
            "withDeadline_",
            "withMetadata_",
            "withCompression_",
            "options_",
            "getFeature_");
    List<String> kept = List.of("get", "getAsync", "getFeature", "stream", "old");
    assertThat(declaredMethodNames(service))
        .containsAll(renamed)
        .containsAll(kept)
        .doesNotContain("create", "withOptions", "options", "class", "getAsync_");
    assertThat(declaredMethodNames(client))
        .containsAll(renamed)
        .containsAll(kept)
        .contains(
            "create",
            "withOptions",
            "options",
            "getAsync_",
            "getAsyncAsync",
            "getFeatureAsync",
            "getFeature_Async",
            "class_Async",
            "create_Async")
        .doesNotContain("serviceDefinition", "classAsync", "createAsync");
    assertThat(declaredFieldNames(load("trunk.test.collisions.Collisions$Methods")))
        .contains("SERVICE_NAME", "SERVICE_NAME_", "GET_FEATURE", "GET_FEATURE_", "CLASS");
  }

  @Test
  void deprecatedRpcsAndServicesAreAnnotated() throws Exception {
    Class<?> status = load("trunk.test.collisions.CollisionsOuterClass$Status");
    Class<?> client = load("trunk.test.collisions.CollisionsClient_");

    assertThat(
            load("trunk.test.collisions.Collisions")
                .getMethod("old", status)
                .isAnnotationPresent(Deprecated.class))
        .isTrue();
    assertThat(client.getMethod("old", status).isAnnotationPresent(Deprecated.class)).isTrue();
    assertThat(client.getMethod("oldAsync", status).isAnnotationPresent(Deprecated.class)).isTrue();
    assertThat(client.getMethod("get", status).isAnnotationPresent(Deprecated.class)).isFalse();
    assertThat(
            load("trunk.test.collisions.Collisions$Methods")
                .getField("OLD")
                .isAnnotationPresent(Deprecated.class))
        .isTrue();
    assertThat(load("trunk.test.legacy.Legacy").isAnnotationPresent(Deprecated.class)).isTrue();
    assertThat(load("trunk.test.legacy.LegacyClient").isAnnotationPresent(Deprecated.class))
        .isTrue();
  }

  @Test
  void aPackageRootTakenByAVariableNameRenamesTheVariable() throws Exception {
    Class<?> client = load("channel.greeter.GreeterClient_");

    assertThat(declaredFieldNames(client)).containsExactlyInAnyOrder("channel_", "options");
  }

  private static Class<?> load(String name) throws ClassNotFoundException {
    return Class.forName(name, true, loader);
  }

  /**
   * The names of the declared methods of {@code type} that take an {@code item} or a stream of
   * them, or start a streaming call: the methods of rpcs, without the client's own members.
   */
  private static List<String> rpcMethodNames(Class<?> type, Class<?> item) {
    return Arrays.stream(type.getDeclaredMethods())
        .filter(m -> !Modifier.isStatic(m.getModifiers()) && !m.isSynthetic())
        .filter(
            m ->
                m.getReturnType() == ClientStreamingCall.class
                    || m.getReturnType() == BidiStreamingCall.class
                    || List.of(m.getParameterTypes()).contains(item)
                    || List.of(m.getParameterTypes()).contains(StreamReceiver.class))
        .map(Method::getName)
        .toList();
  }

  private static List<String> declaredMethodNames(Class<?> type) {
    return Arrays.stream(type.getDeclaredMethods()).map(Method::getName).toList();
  }

  private static List<String> declaredFieldNames(Class<?> type) {
    return Arrays.stream(type.getDeclaredFields()).map(Field::getName).toList();
  }

  private static Object invoke(Method method, Object target, Object... args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /** An implementation of {@code service} that overrides nothing. */
  private static Object defaultImplementation(Class<?> service) {
    InvocationHandler handler =
        (proxy, method, args) -> InvocationHandler.invokeDefault(proxy, method, args);
    return Proxy.newProxyInstance(loader, new Class<?>[] {service}, handler);
  }

  /** A channel that records each call as {method name, arguments...} and returns null. */
  private static Channel recordingChannel(List<Object[]> calls) {
    InvocationHandler handler =
        (proxy, method, args) -> {
          Object[] call = new Object[args.length + 1];
          call[0] = method.getName();
          System.arraycopy(args, 0, call, 1, args.length);
          calls.add(call);
          return null;
        };
    return (Channel) Proxy.newProxyInstance(loader, new Class<?>[] {Channel.class}, handler);
  }
}
