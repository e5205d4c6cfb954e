package dev.trunk.internal.reflection;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Descriptors.FileDescriptor;
import dev.trunk.Codec;
import dev.trunk.MethodDescriptor;
import dev.trunk.ServiceDefinition;
import dev.trunk.Status;
import dev.trunk.StreamReceiver;
import dev.trunk.StreamSender;
import dev.trunk.internal.reflection.v1.ErrorResponse;
import dev.trunk.internal.reflection.v1.ExtensionNumberResponse;
import dev.trunk.internal.reflection.v1.FileDescriptorResponse;
import dev.trunk.internal.reflection.v1.ListServiceResponse;
import dev.trunk.internal.reflection.v1.ServerReflectionRequest;
import dev.trunk.internal.reflection.v1.ServerReflectionResponse;
import dev.trunk.internal.reflection.v1.ServiceResponse;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * gRPC server reflection (gRPC doc/server-reflection.md): {@code
 * grpc.reflection.v1.ServerReflection} and its predecessor {@code
 * grpc.reflection.v1alpha.ServerReflection}, which tools such as grpcurl and buf curl use to list a
 * server's services and fetch their {@code .proto} files.
 *
 * <p>Answers come from the services the server registers: their names, and the files their {@link
 * ServiceDefinition#schema() schemas} import, transitively. A service without a schema is listed,
 * but nothing it declares can be looked up. Each reflection stream answers any number of requests
 * in order; a request that cannot be answered gets an {@code error_response} and the stream goes
 * on.
 */
public final class ReflectionService {
  /** The v1 service's name on the wire. */
  public static final String V1_SERVICE_NAME = "grpc.reflection.v1.ServerReflection";

  /** The v1alpha service's name on the wire. */
  public static final String V1ALPHA_SERVICE_NAME = "grpc.reflection.v1alpha.ServerReflection";

  static final String METHOD_NAME = "ServerReflectionInfo";

  // v1alpha's messages are v1's under another package name: the same fields with the same numbers
  // and types, so the same bytes. Both services therefore read and write v1 messages.
  private static final Codec<ServerReflectionRequest> REQUEST =
      Codec.protobuf(ServerReflectionRequest.getDefaultInstance());
  private static final Codec<ServerReflectionResponse> RESPONSE =
      Codec.protobuf(ServerReflectionResponse.getDefaultInstance());

  private final Supplier<? extends Collection<ServiceDefinition>> services;

  /** The index of the schemas seen last; rebuilt when the set of schemas changes. */
  private volatile @Nullable SchemaIndex index;

  private ReflectionService(Supplier<? extends Collection<ServiceDefinition>> services) {
    this.services = services;
  }

  /**
   * The v1 and v1alpha reflection services, answering from {@code services}: every service the
   * server registers, these two included. It is called on every request, so it may change.
   */
  public static List<ServiceDefinition> definitions(
      Supplier<? extends Collection<ServiceDefinition>> services) {
    ReflectionService reflection = new ReflectionService(requireNonNull(services, "services"));
    return List.of(
        reflection.definition(
            V1_SERVICE_NAME, dev.trunk.internal.reflection.v1.ReflectionProto.getDescriptor()),
        reflection.definition(
            V1ALPHA_SERVICE_NAME,
            dev.trunk.internal.reflection.v1alpha.ReflectionProto.getDescriptor()));
  }

  private ServiceDefinition definition(String serviceName, FileDescriptor schema) {
    MethodDescriptor<ServerReflectionRequest, ServerReflectionResponse> method =
        MethodDescriptor.of(
            serviceName, METHOD_NAME, MethodDescriptor.Type.BIDI_STREAMING, REQUEST, RESPONSE);
    return ServiceDefinition.builder(serviceName)
        .bidiStreaming(method, this::serve)
        .schema(schema)
        .build();
  }

  /** Answers each request in turn until the client half-closes (or the call ends otherwise). */
  private void serve(
      StreamReceiver<ServerReflectionRequest> requests,
      StreamSender<ServerReflectionResponse> responses) {
    for (ServerReflectionRequest request : requests) {
      responses.send(answer(request));
    }
  }

  private ServerReflectionResponse answer(ServerReflectionRequest request) {
    ServerReflectionResponse.Builder response =
        ServerReflectionResponse.newBuilder()
            .setValidHost(request.getHost())
            .setOriginalRequest(request);
    switch (request.getMessageRequestCase()) {
      case LIST_SERVICES -> response.setListServicesResponse(listServices());
      case FILE_BY_FILENAME -> {
        String name = request.getFileByFilename();
        SchemaIndex schemas = currentIndex();
        files(response, schemas, schemas.file(name), "no file named '" + name + "' is known");
      }
      case FILE_CONTAINING_SYMBOL -> {
        String symbol = request.getFileContainingSymbol();
        SchemaIndex schemas = currentIndex();
        files(
            response,
            schemas,
            schemas.fileContainingSymbol(symbol),
            "no file declaring the symbol '" + symbol + "' is known");
      }
      case FILE_CONTAINING_EXTENSION -> {
        String type = request.getFileContainingExtension().getContainingType();
        int number = request.getFileContainingExtension().getExtensionNumber();
        SchemaIndex schemas = currentIndex();
        files(
            response,
            schemas,
            schemas.fileContainingExtension(type, number),
            "no extension of '" + type + "' with field number " + number + " is known");
      }
      case ALL_EXTENSION_NUMBERS_OF_TYPE -> {
        String type = request.getAllExtensionNumbersOfType();
        Optional<List<Integer>> numbers = currentIndex().extensionNumbers(type);
        if (numbers.isPresent()) {
          response.setAllExtensionNumbersResponse(
              ExtensionNumberResponse.newBuilder()
                  .setBaseTypeName(type)
                  .addAllExtensionNumber(numbers.get()));
        } else {
          error(response, Status.Code.NOT_FOUND, "no message type named '" + type + "' is known");
        }
      }
      case MESSAGEREQUEST_NOT_SET ->
          error(
              response,
              Status.Code.INVALID_ARGUMENT,
              "the request sets none of file_by_filename, file_containing_symbol,"
                  + " file_containing_extension, all_extension_numbers_of_type and list_services");
    }
    return response.build();
  }

  private ListServiceResponse listServices() {
    ListServiceResponse.Builder list = ListServiceResponse.newBuilder();
    TreeSet<String> names = new TreeSet<>();
    for (ServiceDefinition service : services.get()) {
      names.add(service.name());
    }
    names.forEach(name -> list.addService(ServiceResponse.newBuilder().setName(name)));
    return list.build();
  }

  /** Answers with {@code file} and its imports, or NOT_FOUND if there is no such file. */
  private static void files(
      ServerReflectionResponse.Builder response,
      SchemaIndex schemas,
      Optional<FileDescriptor> file,
      String notFoundMessage) {
    if (file.isPresent()) {
      response.setFileDescriptorResponse(
          FileDescriptorResponse.newBuilder()
              .addAllFileDescriptorProto(schemas.withDependencies(file.get())));
    } else {
      error(response, Status.Code.NOT_FOUND, notFoundMessage);
    }
  }

  private static void error(
      ServerReflectionResponse.Builder response, Status.Code code, String message) {
    response.setErrorResponse(
        ErrorResponse.newBuilder().setErrorCode(code.value()).setErrorMessage(message));
  }

  /** The index of the registered services' schemas as they are now. */
  private SchemaIndex currentIndex() {
    List<FileDescriptor> schemas = new ArrayList<>();
    for (ServiceDefinition service : services.get()) {
      service.schema().ifPresent(schemas::add);
    }
    SchemaIndex current = index;
    if (current == null || !current.isFor(schemas)) {
      current = new SchemaIndex(schemas);
      index = current;
    }
    return current;
  }
}
