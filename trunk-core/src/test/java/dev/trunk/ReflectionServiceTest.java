package dev.trunk;

import static dev.trunk.ReflectionTestSchema.COMMON_FILE;
import static dev.trunk.ReflectionTestSchema.GREETER_FILE;
import static dev.trunk.ReflectionTestSchema.GREETER_SERVICE;
import static dev.trunk.ReflectionTestSchema.OTHER_FILE;
import static dev.trunk.ReflectionTestSchema.OTHER_SERVICE;
import static dev.trunk.ReflectionTestSchema.STRUCT_FILE;
import static dev.trunk.ReflectionTestSchema.WRAPPERS_FILE;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.StringValue;
import dev.trunk.internal.reflection.ReflectionService;
import dev.trunk.internal.reflection.v1.ExtensionRequest;
import dev.trunk.internal.reflection.v1.ReflectionProto;
import dev.trunk.internal.reflection.v1.ServerReflectionRequest;
import dev.trunk.internal.reflection.v1.ServerReflectionResponse;
import dev.trunk.internal.reflection.v1.ServerReflectionResponse.MessageResponseCase;
import dev.trunk.internal.reflection.v1.ServiceResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * gRPC server reflection (v1 and v1alpha) over a real socket with Trunk's own client: services
 * carrying run-time built schemas, a hand-written one without a schema, and the reflection services
 * themselves. Every returned file set is rebuilt into descriptors to prove it is complete.
 */
class ReflectionServiceTest {
  private static final String V1 = ReflectionService.V1_SERVICE_NAME;
  private static final String V1ALPHA = ReflectionService.V1ALPHA_SERVICE_NAME;
  private static final String PLAIN_SERVICE = "trunk.test.Plain";

  private static final dev.trunk.MethodDescriptor<ServerReflectionRequest, ServerReflectionResponse>
      V1_INFO =
          dev.trunk.MethodDescriptor.of(
              V1,
              "ServerReflectionInfo",
              dev.trunk.MethodDescriptor.Type.BIDI_STREAMING,
              Codec.protobuf(ServerReflectionRequest.getDefaultInstance()),
              Codec.protobuf(ServerReflectionResponse.getDefaultInstance()));

  private static final dev.trunk.MethodDescriptor<
          dev.trunk.internal.reflection.v1alpha.ServerReflectionRequest,
          dev.trunk.internal.reflection.v1alpha.ServerReflectionResponse>
      V1ALPHA_INFO =
          dev.trunk.MethodDescriptor.of(
              V1ALPHA,
              "ServerReflectionInfo",
              dev.trunk.MethodDescriptor.Type.BIDI_STREAMING,
              Codec.protobuf(
                  dev.trunk.internal.reflection.v1alpha.ServerReflectionRequest
                      .getDefaultInstance()),
              Codec.protobuf(
                  dev.trunk.internal.reflection.v1alpha.ServerReflectionResponse
                      .getDefaultInstance()));

  private static final CallOptions OPTIONS =
      CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(20));

  /** What the reflection services see as registered; tests may change it while serving. */
  private final List<ServiceDefinition> registered = new CopyOnWriteArrayList<>();

  /** How each reflection handler ended: "returned" or the code of the status it threw. */
  private final BlockingQueue<String> handlerEnds = new LinkedBlockingQueue<>();

  private Server server;
  private Channel channel;
  private BidiStreamingCall<ServerReflectionRequest, ServerReflectionResponse> stream;

  @BeforeEach
  void start() throws IOException {
    Codec<StringValue> string = Codec.protobuf(StringValue.getDefaultInstance());
    registered.add(
        ServiceDefinition.builder(GREETER_SERVICE)
            .unary(
                dev.trunk.MethodDescriptor.of(
                    GREETER_SERVICE,
                    "Greet",
                    dev.trunk.MethodDescriptor.Type.UNARY,
                    string,
                    string),
                request -> StringValue.of("hello " + request.getValue()))
            .schema(ReflectionTestSchema.GREETER)
            .build());
    registered.add(
        ServiceDefinition.builder(OTHER_SERVICE).schema(ReflectionTestSchema.OTHER).build());
    registered.add(
        ServiceDefinition.builder(PLAIN_SERVICE)
            .unary(
                dev.trunk.MethodDescriptor.of(
                    PLAIN_SERVICE, "Echo", dev.trunk.MethodDescriptor.Type.UNARY, string, string),
                request -> request)
            .build());
    ReflectionService.definitions(() -> registered).forEach(r -> registered.add(tracked(r)));

    Server.Builder builder =
        Server.builder().address("127.0.0.1", 0).shutdownGracePeriod(Duration.ofSeconds(30));
    registered.forEach(builder::service);
    server = builder.build().start();
    channel = Channel.forAddress("127.0.0.1", server.port()).build();
    stream = channel.bidiStreamingCall(V1_INFO, OPTIONS);
  }

  @AfterEach
  void stop() {
    if (stream != null) {
      stream.close();
    }
    if (channel != null) {
      channel.shutdownNow();
    }
    if (server != null) {
      server.shutdownNow();
    }
  }

  /** The reflection service with its handler wrapped to record how each call's handler ends. */
  private ServiceDefinition tracked(ServiceDefinition reflection) {
    ServiceDefinition.Method<?, ?> method = reflection.method("ServerReflectionInfo").orElseThrow();
    @SuppressWarnings("unchecked") // the reflection method is bidi, on v1's messages
    var descriptor =
        (dev.trunk.MethodDescriptor<ServerReflectionRequest, ServerReflectionResponse>)
            method.descriptor();
    @SuppressWarnings("unchecked")
    var handler =
        (ServiceDefinition.BidiStreamingHandler<ServerReflectionRequest, ServerReflectionResponse>)
            method.handler();
    return ServiceDefinition.builder(reflection.name())
        .bidiStreaming(
            descriptor,
            (requests, responses) -> {
              try {
                handler.handle(requests, responses);
                handlerEnds.add("returned");
              } catch (StatusException e) {
                handlerEnds.add(e.status().code().name());
                throw e;
              }
            })
        .schema(reflection.schema().orElseThrow())
        .build();
  }

  // ---- requests -------------------------------------------------------------------------------

  private ServerReflectionResponse ask(ServerReflectionRequest request) {
    stream.send(request);
    ServerReflectionResponse response = stream.receive();
    assertThat(response).as("response to %s", request).isNotNull();
    assertThat(response.getOriginalRequest()).isEqualTo(request);
    assertThat(response.getValidHost()).isEqualTo(request.getHost());
    return response;
  }

  private static ServerReflectionRequest listServices() {
    return ServerReflectionRequest.newBuilder().setListServices("*").build();
  }

  private static ServerReflectionRequest fileByFilename(String name) {
    return ServerReflectionRequest.newBuilder().setFileByFilename(name).build();
  }

  private static ServerReflectionRequest fileContainingSymbol(String symbol) {
    return ServerReflectionRequest.newBuilder().setFileContainingSymbol(symbol).build();
  }

  private static ServerReflectionRequest fileContainingExtension(String type, int number) {
    return ServerReflectionRequest.newBuilder()
        .setFileContainingExtension(
            ExtensionRequest.newBuilder().setContainingType(type).setExtensionNumber(number))
        .build();
  }

  private static ServerReflectionRequest extensionNumbersOf(String type) {
    return ServerReflectionRequest.newBuilder().setAllExtensionNumbersOfType(type).build();
  }

  private List<String> serviceNames(ServerReflectionResponse response) {
    assertThat(response.getMessageResponseCase())
        .isEqualTo(MessageResponseCase.LIST_SERVICES_RESPONSE);
    return response.getListServicesResponse().getServiceList().stream()
        .map(ServiceResponse::getName)
        .toList();
  }

  /** The files of a file_descriptor_response, by name, rebuilt into descriptors; first is first. */
  private static LinkedHashMap<String, FileDescriptor> files(ServerReflectionResponse response) {
    assertThat(response.getMessageResponseCase())
        .as("%s", response.getErrorResponse())
        .isEqualTo(MessageResponseCase.FILE_DESCRIPTOR_RESPONSE);
    return rebuild(response.getFileDescriptorResponse().getFileDescriptorProtoList());
  }

  /**
   * Rebuilds serialized FileDescriptorProtos into descriptors, resolving every import only from the
   * same response, so this fails unless the response carries all transitive dependencies.
   */
  static LinkedHashMap<String, FileDescriptor> rebuild(List<ByteString> serialized) {
    Map<String, FileDescriptorProto> protos = new LinkedHashMap<>();
    for (ByteString bytes : serialized) {
      FileDescriptorProto proto;
      try {
        proto = FileDescriptorProto.parseFrom(bytes);
      } catch (InvalidProtocolBufferException e) {
        throw new AssertionError("not a FileDescriptorProto", e);
      }
      assertThat(protos.put(proto.getName(), proto)).as("%s sent twice", proto.getName()).isNull();
    }
    Map<String, FileDescriptor> built = new HashMap<>();
    LinkedHashMap<String, FileDescriptor> result = new LinkedHashMap<>();
    for (String name : protos.keySet()) {
      result.put(name, build(name, protos, built));
    }
    return result;
  }

  private static FileDescriptor build(
      String name, Map<String, FileDescriptorProto> protos, Map<String, FileDescriptor> built) {
    FileDescriptor done = built.get(name);
    if (done != null) {
      return done;
    }
    FileDescriptorProto proto = protos.get(name);
    assertThat(proto).as("imported file %s is in the response", name).isNotNull();
    List<FileDescriptor> dependencies = new ArrayList<>();
    for (String dependency : proto.getDependencyList()) {
      dependencies.add(build(dependency, protos, built));
    }
    try {
      FileDescriptor file =
          FileDescriptor.buildFrom(proto, dependencies.toArray(FileDescriptor[]::new));
      built.put(name, file);
      return file;
    } catch (DescriptorValidationException e) {
      throw new AssertionError("cannot rebuild " + name, e);
    }
  }

  private static void assertError(
      ServerReflectionResponse response, Status.Code code, String text) {
    assertThat(response.getMessageResponseCase()).isEqualTo(MessageResponseCase.ERROR_RESPONSE);
    assertThat(response.getErrorResponse().getErrorCode()).isEqualTo(code.value());
    assertThat(response.getErrorResponse().getErrorMessage()).contains(text);
  }

  // ---- tests ----------------------------------------------------------------------------------

  @Test
  void listServicesNamesEveryServiceSortedIncludingReflectionItself() {
    ServerReflectionResponse response =
        ask(listServices().toBuilder().setHost("reflection.example:443").build());

    assertThat(response.getValidHost()).isEqualTo("reflection.example:443");
    assertThat(serviceNames(response))
        .containsExactly(V1, V1ALPHA, PLAIN_SERVICE, GREETER_SERVICE, OTHER_SERVICE);
  }

  @Test
  void fileByFilenameSendsTheFileFirstThenEveryFileItImportsTransitivelyOnce() {
    LinkedHashMap<String, FileDescriptor> files = files(ask(fileByFilename(OTHER_FILE)));

    assertThat(files.keySet()).first().isEqualTo(OTHER_FILE);
    assertThat(files.keySet())
        .containsExactlyInAnyOrder(
            OTHER_FILE, GREETER_FILE, COMMON_FILE, STRUCT_FILE, WRAPPERS_FILE);
    ServiceDescriptor other = files.get(OTHER_FILE).findServiceByName("Other");
    assertThat(other.findMethodByName("Ping").getInputType().getFullName())
        .isEqualTo("trunk.test.greeter.Outer");
    assertThat(files.get(OTHER_FILE).toProto()).isEqualTo(ReflectionTestSchema.OTHER.toProto());

    LinkedHashMap<String, FileDescriptor> wellKnown = files(ask(fileByFilename(STRUCT_FILE)));
    assertThat(wellKnown.keySet()).containsExactly(STRUCT_FILE);
  }

  @Test
  void fileContainingSymbolFindsServicesMethodsMessagesEnumsFieldsAndExtensions() {
    for (String symbol :
        List.of(
            GREETER_SERVICE,
            "trunk.test.greeter.Greeter.Chat",
            "trunk.test.greeter.Outer",
            "trunk.test.greeter.Outer.Inner",
            "trunk.test.greeter.Outer.Inner.Kind",
            "trunk.test.greeter.Mood",
            "trunk.test.greeter.MOOD_HAPPY",
            "trunk.test.greeter.Mood.MOOD_HAPPY",
            "trunk.test.greeter.Outer.inner",
            "trunk.test.greeter.note",
            "trunk.test.greeter.Outer.nested_note")) {
      LinkedHashMap<String, FileDescriptor> files = files(ask(fileContainingSymbol(symbol)));

      assertThat(files.keySet()).as(symbol).first().isEqualTo(GREETER_FILE);
      assertThat(files.keySet())
          .as(symbol)
          .containsExactlyInAnyOrder(GREETER_FILE, COMMON_FILE, STRUCT_FILE, WRAPPERS_FILE);
    }

    FileDescriptor greeter =
        files(ask(fileContainingSymbol("trunk.test.greeter.Greeter.Chat"))).get(GREETER_FILE);
    MethodDescriptor chat = greeter.findServiceByName("Greeter").findMethodByName("Chat");
    assertThat(chat.isClientStreaming()).isTrue();
    assertThat(chat.isServerStreaming()).isTrue();
    assertThat(chat.getOutputType().getFullName()).isEqualTo("trunk.test.greeter.Outer.Inner");

    assertThat(files(ask(fileContainingSymbol("trunk.test.common.Base"))).keySet())
        .containsExactly(COMMON_FILE, STRUCT_FILE);
    assertThat(files(ask(fileContainingSymbol("google.protobuf.Struct"))).keySet())
        .containsExactly(STRUCT_FILE);
  }

  @Test
  void reflectionDescribesItself() {
    LinkedHashMap<String, FileDescriptor> files =
        files(ask(fileContainingSymbol(V1 + ".ServerReflectionInfo")));

    assertThat(files.keySet()).containsExactly("grpc/reflection/v1/reflection.proto");
    FileDescriptor reflection = files.get("grpc/reflection/v1/reflection.proto");
    assertThat(reflection.toProto()).isEqualTo(ReflectionProto.getDescriptor().toProto());
    MethodDescriptor info =
        reflection.findServiceByName("ServerReflection").findMethodByName("ServerReflectionInfo");
    assertThat(info.isClientStreaming()).isTrue();
    assertThat(info.isServerStreaming()).isTrue();
    assertThat(info.getInputType().getFullName())
        .isEqualTo("grpc.reflection.v1.ServerReflectionRequest");
  }

  @Test
  void extensionsAreFoundByExtendedTypeAndFieldNumber() {
    assertThat(files(ask(fileContainingExtension("trunk.test.common.Base", 100))).keySet())
        .first()
        .isEqualTo(GREETER_FILE);
    assertThat(files(ask(fileContainingExtension("trunk.test.common.Base", 101))).keySet())
        .first()
        .isEqualTo(GREETER_FILE);

    ServerReflectionResponse numbers = ask(extensionNumbersOf("trunk.test.common.Base"));
    assertThat(numbers.getMessageResponseCase())
        .isEqualTo(MessageResponseCase.ALL_EXTENSION_NUMBERS_RESPONSE);
    assertThat(numbers.getAllExtensionNumbersResponse().getBaseTypeName())
        .isEqualTo("trunk.test.common.Base");
    assertThat(numbers.getAllExtensionNumbersResponse().getExtensionNumberList())
        .containsExactlyInAnyOrder(100, 101);

    ServerReflectionResponse none = ask(extensionNumbersOf("trunk.test.common.Plain"));
    assertThat(none.getMessageResponseCase())
        .isEqualTo(MessageResponseCase.ALL_EXTENSION_NUMBERS_RESPONSE);
    assertThat(none.getAllExtensionNumbersResponse().getExtensionNumberList()).isEmpty();

    assertError(
        ask(fileContainingExtension("trunk.test.common.Base", 150)), Status.Code.NOT_FOUND, "150");
    assertError(ask(extensionNumbersOf("no.such.Type")), Status.Code.NOT_FOUND, "no.such.Type");
  }

  @Test
  void anUnanswerableRequestGetsAnErrorResponseAndTheStreamGoesOn() {
    assertError(
        ask(fileContainingSymbol("trunk.test.greeter.Missing")),
        Status.Code.NOT_FOUND,
        "trunk.test.greeter.Missing");
    assertThat(files(ask(fileContainingSymbol(GREETER_SERVICE))).keySet())
        .first()
        .isEqualTo(GREETER_FILE);

    assertError(ask(fileByFilename("no/such.proto")), Status.Code.NOT_FOUND, "no/such.proto");
    assertError(
        ask(ServerReflectionRequest.newBuilder().setHost("h").build()),
        Status.Code.INVALID_ARGUMENT,
        "list_services");
    assertThat(serviceNames(ask(listServices()))).contains(GREETER_SERVICE);
  }

  @Test
  void aServiceWithoutASchemaIsListedButDeclaresNothing() {
    assertThat(serviceNames(ask(listServices()))).contains(PLAIN_SERVICE);
    assertError(ask(fileContainingSymbol(PLAIN_SERVICE)), Status.Code.NOT_FOUND, PLAIN_SERVICE);

    // The hand-written service itself works as usual.
    Codec<StringValue> string = Codec.protobuf(StringValue.getDefaultInstance());
    assertThat(
            channel.unaryCall(
                dev.trunk.MethodDescriptor.of(
                    PLAIN_SERVICE, "Echo", dev.trunk.MethodDescriptor.Type.UNARY, string, string),
                StringValue.of("hi"),
                OPTIONS))
        .isEqualTo(StringValue.of("hi"));
  }

  @Test
  void answersFollowTheRegisteredServicesAsTheyAreNow() {
    ServiceDefinition other =
        registered.stream().filter(s -> s.name().equals(OTHER_SERVICE)).findFirst().orElseThrow();
    registered.remove(other);

    assertThat(serviceNames(ask(listServices()))).doesNotContain(OTHER_SERVICE);
    assertError(ask(fileByFilename(OTHER_FILE)), Status.Code.NOT_FOUND, OTHER_FILE);
    assertError(ask(fileContainingSymbol(OTHER_SERVICE)), Status.Code.NOT_FOUND, OTHER_SERVICE);

    registered.add(other);

    assertThat(serviceNames(ask(listServices()))).contains(OTHER_SERVICE);
    assertThat(files(ask(fileContainingSymbol(OTHER_SERVICE))).keySet())
        .first()
        .isEqualTo(OTHER_FILE);
  }

  @Test
  void manyPipelinedRequestsOnOneStreamAreAnsweredInOrderUntilTheClientHalfCloses()
      throws Exception {
    int count = 300;
    List<ServerReflectionRequest> requests = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ServerReflectionRequest request =
          switch (i % 4) {
            case 0 -> listServices();
            case 1 -> fileContainingSymbol("trunk.test.greeter.Outer.Inner");
            case 2 -> fileContainingSymbol("no.such.Symbol");
            default -> extensionNumbersOf("trunk.test.common.Base");
          };
      requests.add(request.toBuilder().setHost("host-" + i).build());
    }
    Future<?> sending;
    try (var sender = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      sending =
          sender.submit(
              () -> {
                requests.forEach(stream::send);
                stream.closeSend();
              });
      for (int i = 0; i < count; i++) {
        ServerReflectionResponse response = stream.receive();
        assertThat(response).isNotNull();
        assertThat(response.getValidHost()).isEqualTo("host-" + i);
        assertThat(response.getOriginalRequest()).isEqualTo(requests.get(i));
        assertThat(response.getMessageResponseCase())
            .isEqualTo(
                switch (i % 4) {
                  case 0 -> MessageResponseCase.LIST_SERVICES_RESPONSE;
                  case 1 -> MessageResponseCase.FILE_DESCRIPTOR_RESPONSE;
                  case 2 -> MessageResponseCase.ERROR_RESPONSE;
                  default -> MessageResponseCase.ALL_EXTENSION_NUMBERS_RESPONSE;
                });
      }
      sending.get(10, TimeUnit.SECONDS);
    }
    // The client half-closed, so the handler returns and the call ends OK.
    assertThat(stream.receive()).isNull();
    assertThat(handlerEnds.poll(10, TimeUnit.SECONDS)).isEqualTo("returned");
  }

  @Test
  void aCancelledStreamEndsItsHandlerAndOthersCarryOn() throws Exception {
    assertThat(serviceNames(ask(listServices()))).isNotEmpty();
    stream.cancel();
    assertThat(handlerEnds.poll(10, TimeUnit.SECONDS)).isEqualTo("CANCELLED");

    try (BidiStreamingCall<ServerReflectionRequest, ServerReflectionResponse> next =
        channel.bidiStreamingCall(V1_INFO, OPTIONS)) {
      next.send(listServices());
      assertThat(next.receive()).isNotNull();
      next.closeSend();
      assertThat(next.receive()).isNull();
    }
    assertThat(handlerEnds.poll(10, TimeUnit.SECONDS)).isEqualTo("returned");

    server.shutdown();
    assertThat(server.awaitTermination(Duration.ofSeconds(10))).isTrue();
  }

  @Test
  void v1alphaAnswersTheSameQuestionsWithItsOwnMessages() throws InterruptedException {
    try (BidiStreamingCall<
            dev.trunk.internal.reflection.v1alpha.ServerReflectionRequest,
            dev.trunk.internal.reflection.v1alpha.ServerReflectionResponse>
        alpha = channel.bidiStreamingCall(V1ALPHA_INFO, OPTIONS)) {
      var list =
          dev.trunk.internal.reflection.v1alpha.ServerReflectionRequest.newBuilder()
              .setHost("alpha")
              .setListServices("")
              .build();
      alpha.send(list);
      var listed = alpha.receive();
      assertThat(listed).isNotNull();
      assertThat(listed.getValidHost()).isEqualTo("alpha");
      assertThat(listed.getOriginalRequest()).isEqualTo(list);
      assertThat(listed.getListServicesResponse().getServiceList())
          .extracting(dev.trunk.internal.reflection.v1alpha.ServiceResponse::getName)
          .containsExactly(V1, V1ALPHA, PLAIN_SERVICE, GREETER_SERVICE, OTHER_SERVICE);

      alpha.send(
          dev.trunk.internal.reflection.v1alpha.ServerReflectionRequest.newBuilder()
              .setFileContainingSymbol(V1ALPHA)
              .build());
      var self = alpha.receive();
      assertThat(self).isNotNull();
      LinkedHashMap<String, FileDescriptor> selfFiles =
          rebuild(self.getFileDescriptorResponse().getFileDescriptorProtoList());
      assertThat(selfFiles.keySet()).containsExactly("grpc/reflection/v1alpha/reflection.proto");
      assertThat(
              selfFiles
                  .get("grpc/reflection/v1alpha/reflection.proto")
                  .findServiceByName("ServerReflection")
                  .findMethodByName("ServerReflectionInfo")
                  .getInputType()
                  .getFullName())
          .isEqualTo("grpc.reflection.v1alpha.ServerReflectionRequest");

      alpha.send(
          dev.trunk.internal.reflection.v1alpha.ServerReflectionRequest.newBuilder()
              .setFileContainingExtension(
                  dev.trunk.internal.reflection.v1alpha.ExtensionRequest.newBuilder()
                      .setContainingType("trunk.test.common.Base")
                      .setExtensionNumber(101))
              .build());
      var extension = alpha.receive();
      assertThat(extension).isNotNull();
      assertThat(
              rebuild(extension.getFileDescriptorResponse().getFileDescriptorProtoList()).keySet())
          .containsExactly(GREETER_FILE, COMMON_FILE, STRUCT_FILE, WRAPPERS_FILE);

      alpha.send(
          dev.trunk.internal.reflection.v1alpha.ServerReflectionRequest.newBuilder()
              .setFileContainingSymbol("no.such.Symbol")
              .build());
      var missing = alpha.receive();
      assertThat(missing).isNotNull();
      assertThat(missing.getErrorResponse().getErrorCode())
          .isEqualTo(Status.Code.NOT_FOUND.value());
      assertThat(missing.getErrorResponse().getErrorMessage()).contains("no.such.Symbol");

      alpha.send(
          dev.trunk.internal.reflection.v1alpha.ServerReflectionRequest.getDefaultInstance());
      var empty = alpha.receive();
      assertThat(empty).isNotNull();
      assertThat(empty.getErrorResponse().getErrorCode())
          .isEqualTo(Status.Code.INVALID_ARGUMENT.value());

      alpha.closeSend();
      assertThat(alpha.receive()).isNull();
    }
    assertThat(handlerEnds.poll(10, TimeUnit.SECONDS)).isEqualTo("returned");
  }
}
