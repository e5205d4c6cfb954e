package dev.trunk.opentelemetry;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.WireFormat;
import dev.trunk.BidiStreamingCall;
import dev.trunk.CallOptions;
import dev.trunk.Channel;
import dev.trunk.MethodDescriptor;
import dev.trunk.Status;
import dev.trunk.StatusException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A client of gRPC server reflection ({@code grpc.reflection.v1}, reflection.proto) that asks a
 * server for its services and their descriptors. The few fields it needs are written and read by
 * field number, so this module needs no generated reflection classes.
 */
final class ServerReflection {
  /** The reflection service and its one method (reflection.proto). */
  static final String SERVICE = "grpc.reflection.v1.ServerReflection";

  private static final MethodDescriptor<byte[], byte[]> INFO =
      MethodDescriptor.of(
          SERVICE,
          "ServerReflectionInfo",
          MethodDescriptor.Type.BIDI_STREAMING,
          ProtoCodecs.BYTES,
          ProtoCodecs.BYTES);

  /** The whole conversation's deadline: a few small answers from a server on this machine. */
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  // ServerReflectionRequest's fields.
  private static final int FILE_CONTAINING_SYMBOL = 4;
  private static final int LIST_SERVICES = 7;
  // ServerReflectionResponse's fields.
  private static final int FILE_DESCRIPTOR_RESPONSE = 4;
  private static final int LIST_SERVICES_RESPONSE = 6;
  private static final int ERROR_RESPONSE = 7;
  // FileDescriptorResponse.file_descriptor_proto, ListServiceResponse.service,
  // ServiceResponse.name, ErrorResponse.error_code and error_message.
  private static final int FILE_DESCRIPTOR_PROTO = 1;
  private static final int SERVICE_RESPONSE = 1;
  private static final int SERVICE_NAME = 1;
  private static final int ERROR_CODE = 1;
  private static final int ERROR_MESSAGE = 2;

  private ServerReflection() {}

  /**
   * The services the server behind {@code channel} serves, with their descriptors.
   *
   * @throws StatusException if the call failed; UNIMPLEMENTED if the server serves no reflection
   */
  static List<ServiceDescriptor> services(Channel channel) {
    Map<String, FileDescriptorProto> files = new LinkedHashMap<>();
    List<String> names;
    try (BidiStreamingCall<byte[], byte[]> call =
        channel.bidiStreamingCall(INFO, CallOptions.DEFAULT.withTimeout(TIMEOUT))) {
      names = listServices(ask(call, LIST_SERVICES, ""));
      for (String name : names) {
        for (ByteString file :
            fields(
                ask(call, FILE_CONTAINING_SYMBOL, name),
                FILE_DESCRIPTOR_RESPONSE,
                FILE_DESCRIPTOR_PROTO)) {
          FileDescriptorProto proto = FileDescriptorProto.parseFrom(file);
          files.putIfAbsent(proto.getName(), proto);
        }
      }
      call.closeSend();
      drain(call);
    } catch (IOException e) {
      throw unreadable(e);
    }
    return find(names, files);
  }

  /**
   * Waits for the server to end the call after {@link BidiStreamingCall#closeSend()}, so that it
   * ends OK rather than cancelled by {@code close()} (which would list it among failed calls).
   */
  private static void drain(BidiStreamingCall<byte[], byte[]> call) {
    while (call.receive() != null) {
      // An answer to no question of ours; the server ends the call after it.
    }
  }

  /** Sends one request with the string {@code value} in {@code field}; returns the answer. */
  private static byte[] ask(BidiStreamingCall<byte[], byte[]> call, int field, String value)
      throws IOException {
    ByteString.Output bytes = ByteString.newOutput();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.writeString(field, value);
    out.flush();
    call.send(bytes.toByteString().toByteArray());
    byte[] answer = call.receive();
    if (answer == null) {
      throw new StatusException(
          Status.INTERNAL.withDescription("the reflection service ended without an answer"));
    }
    throwIfError(answer);
    return answer;
  }

  private static List<String> listServices(byte[] answer) throws IOException {
    List<String> names = new ArrayList<>();
    for (ByteString service : fields(answer, LIST_SERVICES_RESPONSE, SERVICE_RESPONSE)) {
      for (ByteString name : fields(service.toByteArray(), SERVICE_NAME)) {
        names.add(name.toStringUtf8());
      }
    }
    return names;
  }

  /** Throws the status of an {@code error_response}, if {@code answer} is one. */
  private static void throwIfError(byte[] answer) throws IOException {
    List<ByteString> errors = fields(answer, ERROR_RESPONSE);
    if (errors.isEmpty()) {
      return;
    }
    CodedInputStream in = errors.get(0).newCodedInput();
    int code = Status.Code.UNKNOWN.value();
    String message = "";
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case ERROR_CODE -> code = in.readInt32();
        case ERROR_MESSAGE -> message = in.readString();
        default -> in.skipField(tag);
      }
    }
    throw new StatusException(Status.of(Status.Code.of(code)).withDescription(message));
  }

  /**
   * The length-delimited values of the field at {@code path} (a field number, then the field of
   * that message, ...) of the message {@code bytes}.
   */
  private static List<ByteString> fields(byte[] bytes, int... path) throws IOException {
    List<ByteString> values = List.of(ByteString.copyFrom(bytes));
    for (int field : path) {
      List<ByteString> next = new ArrayList<>();
      for (ByteString value : values) {
        next.addAll(field(value, field));
      }
      values = next;
    }
    return values;
  }

  private static List<ByteString> field(ByteString message, int field) throws IOException {
    List<ByteString> values = new ArrayList<>();
    CodedInputStream in = message.newCodedInput();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (WireFormat.getTagFieldNumber(tag) == field
          && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
        values.add(in.readBytes());
      } else {
        in.skipField(tag);
      }
    }
    return values;
  }

  /** The named services' descriptors, built from the files the server sent. */
  private static List<ServiceDescriptor> find(
      List<String> names, Map<String, FileDescriptorProto> files) {
    Map<String, FileDescriptor> built = new HashMap<>();
    List<ServiceDescriptor> services = new ArrayList<>();
    try {
      for (FileDescriptorProto file : files.values()) {
        for (ServiceDescriptor service : build(file.getName(), files, built).getServices()) {
          if (names.contains(service.getFullName())) {
            services.add(service);
          }
        }
      }
    } catch (DescriptorValidationException e) {
      throw new StatusException(
          Status.INTERNAL.withDescription(
              "the reflection service sent an invalid file: " + e.getMessage()));
    }
    return services;
  }

  private static FileDescriptor build(
      String name, Map<String, FileDescriptorProto> files, Map<String, FileDescriptor> built)
      throws DescriptorValidationException {
    FileDescriptor done = built.get(name);
    if (done != null) {
      return done;
    }
    FileDescriptorProto proto = files.get(name);
    if (proto == null) {
      throw new StatusException(
          Status.INTERNAL.withDescription("the reflection service did not send the file " + name));
    }
    List<FileDescriptor> imports = new ArrayList<>();
    for (String dependency : proto.getDependencyList()) {
      imports.add(build(dependency, files, built));
    }
    FileDescriptor file = FileDescriptor.buildFrom(proto, imports.toArray(FileDescriptor[]::new));
    built.put(name, file);
    return file;
  }

  private static StatusException unreadable(IOException e) {
    return new StatusException(
        Status.INTERNAL.withDescription(
            "the reflection service's answer is not readable: " + e.getMessage()));
  }
}
