package dev.trunk;

import com.google.protobuf.BytesValue;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.MethodOptions;
import com.google.protobuf.DescriptorProtos.MethodOptions.IdempotencyLevel;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Int64Value;
import com.google.protobuf.StringValue;
import com.google.protobuf.WrappersProto;

/**
 * {@link TestService}'s methods with a schema, so that the server also speaks JSON to them and
 * knows which may be called with GET: Echo is marked {@code NO_SIDE_EFFECTS}.
 */
final class WebTestService {
  static final FileDescriptor SCHEMA = schema();

  private WebTestService() {}

  static ServiceDefinition definition() {
    return ServiceDefinition.builder(TestService.NAME)
        .unary(TestService.ECHO, request -> request)
        .serverStreaming(
            TestService.COUNT,
            (request, responses) -> {
              for (long i = 0; i < request.getValue(); i++) {
                responses.send(StringValue.of("#" + i));
              }
            })
        .clientStreaming(
            TestService.SUM_SIZES,
            requests -> {
              long total = 0;
              for (BytesValue chunk : requests) {
                total += chunk.getValue().size();
              }
              return Int64Value.of(total);
            })
        .unary(
            TestService.FAIL,
            request -> {
              throw Status.INVALID_ARGUMENT
                  .withDescription(request.getValue())
                  .asException(new Metadata().add("x-reason", "asked to fail"));
            })
        .unary(
            TestService.HEADERS,
            request -> {
              CallContext call = CallContext.current();
              String value = call.requestHeaders().get("x-echo");
              call.responseHeaders().add("x-echo", value == null ? "none" : value);
              call.responseTrailers().add("x-trailer", "t");
              String deadline = call.deadline().isPresent() ? "deadline" : "no deadline";
              return StringValue.of(deadline);
            })
        .bidiStreaming(
            TestService.CHAT,
            (requests, responses) -> {
              for (StringValue request : requests) {
                responses.send(request);
              }
            })
        .schema(SCHEMA)
        .build();
  }

  private static FileDescriptor schema() {
    String string = ".google.protobuf.StringValue";
    ServiceDescriptorProto service =
        ServiceDescriptorProto.newBuilder()
            .setName("TestService")
            .addMethod(
                method("Echo", string, string)
                    .setOptions(
                        MethodOptions.newBuilder()
                            .setIdempotencyLevel(IdempotencyLevel.NO_SIDE_EFFECTS)))
            .addMethod(
                method("Count", ".google.protobuf.Int64Value", string).setServerStreaming(true))
            .addMethod(
                method("SumSizes", ".google.protobuf.BytesValue", ".google.protobuf.Int64Value")
                    .setClientStreaming(true))
            .addMethod(
                method("Chat", string, string).setClientStreaming(true).setServerStreaming(true))
            .addMethod(method("Fail", string, string))
            .addMethod(method("Headers", string, string))
            .build();
    FileDescriptorProto file =
        FileDescriptorProto.newBuilder()
            .setName("trunk/test/web_test.proto")
            .setPackage("trunk.test")
            .setSyntax("proto3")
            .addDependency("google/protobuf/wrappers.proto")
            .addService(service)
            .build();
    try {
      return FileDescriptor.buildFrom(file, new FileDescriptor[] {WrappersProto.getDescriptor()});
    } catch (DescriptorValidationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static MethodDescriptorProto.Builder method(String name, String input, String output) {
    return MethodDescriptorProto.newBuilder()
        .setName(name)
        .setInputType(input)
        .setOutputType(output);
  }
}
