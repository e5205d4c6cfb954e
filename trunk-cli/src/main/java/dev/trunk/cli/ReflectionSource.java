package dev.trunk.cli;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.ExtensionRegistry;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.trunk.BidiStreamingCall;
import dev.trunk.CallOptions;
import dev.trunk.Channel;
import dev.trunk.Codec;
import dev.trunk.MethodDescriptor;
import dev.trunk.Status;
import dev.trunk.StatusException;
import dev.trunk.internal.reflection.v1.ServerReflectionRequest;
import dev.trunk.internal.reflection.v1.ServerReflectionResponse;
import dev.trunk.internal.reflection.v1.ServiceResponse;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A schema from the server's reflection service (gRPC doc/server-reflection.md): {@code
 * grpc.reflection.v1}, or {@code v1alpha} (the same messages) when the server answers v1 with
 * UNIMPLEMENTED. Each question is a call of its own, so every answer carries the whole file with
 * its imports; imports still missing are asked for by file name.
 */
final class ReflectionSource implements SchemaSource {
  private static final List<String> SERVICES =
      List.of("grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection");

  /** The error_code a server answers for an unknown symbol (NOT_FOUND). */
  private static final int NOT_FOUND = Status.Code.NOT_FOUND.value();

  private final Channel channel;
  private final Supplier<CallOptions> options;
  private @Nullable MethodDescriptor<ServerReflectionRequest, ServerReflectionResponse> method;
  private @Nullable List<String> services;

  ReflectionSource(Channel channel, Supplier<CallOptions> options) {
    this.channel = channel;
    this.options = options;
  }

  @Override
  public List<String> services() {
    if (services == null) {
      ServerReflectionResponse response =
          ask(ServerReflectionRequest.newBuilder().setListServices("*").build());
      services =
          response.getListServicesResponse().getServiceList().stream()
              .map(ServiceResponse::getName)
              .sorted()
              .toList();
    }
    return services;
  }

  @Override
  public List<FileDescriptorProto> filesContaining(String symbol) {
    ServerReflectionResponse response =
        ask(ServerReflectionRequest.newBuilder().setFileContainingSymbol(symbol).build());
    if (response.hasErrorResponse()) {
      if (response.getErrorResponse().getErrorCode() == NOT_FOUND) {
        return List.of();
      }
      throw failure("the server's reflection failed for " + symbol, response);
    }
    List<FileDescriptorProto> files = parse(response);
    addMissingImports(files);
    return files;
  }

  private void addMissingImports(List<FileDescriptorProto> files) {
    Set<String> have = new HashSet<>();
    files.forEach(f -> have.add(f.getName()));
    Deque<String> wanted = new ArrayDeque<>();
    files.forEach(f -> wanted.addAll(f.getDependencyList()));
    while (!wanted.isEmpty()) {
      String name = wanted.pop();
      if (!have.add(name) || name.startsWith("google/protobuf/")) {
        continue; // known, or a well-known type, which FileBuilder supplies
      }
      ServerReflectionResponse response =
          ask(ServerReflectionRequest.newBuilder().setFileByFilename(name).build());
      if (response.hasErrorResponse()) {
        throw failure("the server's reflection cannot give " + name, response);
      }
      for (FileDescriptorProto file : parse(response)) {
        files.add(file);
        wanted.addAll(file.getDependencyList());
      }
    }
  }

  private ServerReflectionResponse ask(ServerReflectionRequest request) {
    if (method != null) {
      return ask(method, request);
    }
    for (String service : SERVICES) {
      MethodDescriptor<ServerReflectionRequest, ServerReflectionResponse> candidate =
          descriptor(service);
      try {
        ServerReflectionResponse response = ask(candidate, request);
        method = candidate;
        return response;
      } catch (StatusException e) {
        if (e.status().code() != Status.Code.UNIMPLEMENTED) {
          throw e;
        }
      }
    }
    throw new CliException(
        ExitCode.USAGE,
        "the server does not offer reflection (grpc.reflection.v1 and v1alpha are UNIMPLEMENTED):"
            + " give the schema with --proto or --protoset");
  }

  private ServerReflectionResponse ask(
      MethodDescriptor<ServerReflectionRequest, ServerReflectionResponse> rpc,
      ServerReflectionRequest request) {
    try (BidiStreamingCall<ServerReflectionRequest, ServerReflectionResponse> call =
        channel.bidiStreamingCall(rpc, options.get())) {
      call.send(request);
      call.closeSend();
      ServerReflectionResponse response = call.receive();
      if (response == null) {
        throw new CliException(
            ExitCode.USAGE, "the server's reflection ended the call without an answer");
      }
      return response;
    }
  }

  private static List<FileDescriptorProto> parse(ServerReflectionResponse response) {
    List<FileDescriptorProto> files = new ArrayList<>();
    for (ByteString bytes : response.getFileDescriptorResponse().getFileDescriptorProtoList()) {
      try {
        files.add(FileDescriptorProto.parseFrom(bytes, ExtensionRegistry.getEmptyRegistry()));
      } catch (InvalidProtocolBufferException e) {
        throw new CliException(
            ExitCode.USAGE, "the server's reflection sent a malformed file descriptor", e);
      }
    }
    return files;
  }

  private static CliException failure(String what, ServerReflectionResponse response) {
    return new CliException(
        ExitCode.USAGE,
        what
            + ": "
            + Status.Code.of(response.getErrorResponse().getErrorCode())
            + " "
            + response.getErrorResponse().getErrorMessage());
  }

  private static MethodDescriptor<ServerReflectionRequest, ServerReflectionResponse> descriptor(
      String service) {
    return MethodDescriptor.of(
        service,
        "ServerReflectionInfo",
        MethodDescriptor.Type.BIDI_STREAMING,
        Codec.protobuf(ServerReflectionRequest.getDefaultInstance()),
        Codec.protobuf(ServerReflectionResponse.getDefaultInstance()));
  }
}
