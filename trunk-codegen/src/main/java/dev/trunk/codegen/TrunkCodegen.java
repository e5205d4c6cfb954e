package dev.trunk.codegen;

import com.google.protobuf.DescriptorProtos.Edition;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.compiler.PluginProtos.CodeGeneratorRequest;
import com.google.protobuf.compiler.PluginProtos.CodeGeneratorResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.Consumer;

/**
 * The protoc plugin: reads a {@code CodeGeneratorRequest} from standard input and writes a {@code
 * CodeGeneratorResponse} to standard output.
 *
 * <p>For each service {@code S} of each file to generate it writes, in the file's Java package, the
 * service interface {@code S.java} and the client {@code SClient.java} (see {@link ServiceModels}
 * for how names are chosen when they collide). Each name that had to change is reported as one
 * warning line on standard error, which protoc shows. Files without services produce nothing. The
 * plugin takes no parameters, supports proto3 {@code optional} and editions up to 2023, and reports
 * a request it cannot serve as the response's error.
 */
public final class TrunkCodegen {
  private TrunkCodegen() {}

  /** Runs the plugin on standard input, output and error, as protoc launches it. */
  public static void main(String[] args) throws IOException {
    run(System.in, System.out, System.err::println);
  }

  /**
   * Reads one request from {@code in}, writes its response to {@code out} and passes each warning
   * line to {@code warnings}. An unreadable request gets a response with an error.
   */
  public static void run(InputStream in, OutputStream out, Consumer<String> warnings)
      throws IOException {
    CodeGeneratorResponse response;
    try {
      response = generate(CodeGeneratorRequest.parseFrom(in), warnings);
    } catch (InvalidProtocolBufferException e) {
      response =
          CodeGeneratorResponse.newBuilder()
              .setError("trunk-codegen could not parse the CodeGeneratorRequest: " + e.getMessage())
              .build();
    }
    response.writeTo(out);
    out.flush();
  }

  /**
   * The response to {@code request}: the generated files, or an error and no files. Passes one line
   * to {@code warnings} for each generated name that had to change (as in {@code trunk-codegen:
   * warning: rpc example.Store.Create is named create_ instead of create ...}), also when the
   * response is an error.
   */
  public static CodeGeneratorResponse generate(
      CodeGeneratorRequest request, Consumer<String> warnings) {
    CodeGeneratorResponse.Builder response =
        CodeGeneratorResponse.newBuilder()
            .setSupportedFeatures(
                CodeGeneratorResponse.Feature.FEATURE_PROTO3_OPTIONAL_VALUE
                    | CodeGeneratorResponse.Feature.FEATURE_SUPPORTS_EDITIONS_VALUE)
            .setMinimumEdition(Edition.EDITION_PROTO2_VALUE)
            .setMaximumEdition(Edition.EDITION_2023_VALUE);
    try {
      if (!request.getParameter().isEmpty()) {
        throw new CodegenException(
            "trunk-codegen takes no parameters, got '" + request.getParameter() + "'");
      }
      ServiceModels models = new ServiceModels(request.getProtoFileList());
      for (FileDescriptorProto file : request.getProtoFileList()) {
        if (request.getFileToGenerateList().contains(file.getName())) {
          checkEdition(file);
        }
      }
      for (String fileName : request.getFileToGenerateList()) {
        for (ServiceModel service : models.of(fileName)) {
          service.warnings().forEach(warnings);
          response.addFile(
              file(service, service.interfaceName(), ServiceGenerator.generate(service)));
          response.addFile(file(service, service.clientName(), ClientGenerator.generate(service)));
        }
      }
    } catch (CodegenException e) {
      response.clearFile().setError(e.getMessage());
    }
    return response.build();
  }

  private static void checkEdition(FileDescriptorProto file) {
    if (file.getSyntax().equals("editions")
        && file.getEdition().getNumber() > Edition.EDITION_2023_VALUE) {
      throw new CodegenException(
          file.getName() + " uses " + file.getEdition() + "; trunk-codegen supports up to 2023");
    }
  }

  private static CodeGeneratorResponse.File file(
      ServiceModel service, String className, String content) {
    String directory = service.javaPackage().replace('.', '/');
    return CodeGeneratorResponse.File.newBuilder()
        .setName((directory.isEmpty() ? "" : directory + "/") + className + ".java")
        .setContent(content)
        .build();
  }
}
