package dev.trunk.codegen;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.DescriptorProtos.Edition;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.compiler.PluginProtos.CodeGeneratorRequest;
import com.google.protobuf.compiler.PluginProtos.CodeGeneratorResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrunkCodegenTest {

  @Test
  void mainReadsARequestFromStandardInputAndWritesTheResponse() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TrunkCodegen.run(
        new ByteArrayInputStream(TestProtos.request().toByteArray()), out, warning -> {});

    CodeGeneratorResponse response = CodeGeneratorResponse.parseFrom(out.toByteArray());
    assertThat(response.getError()).isEmpty();
    assertThat(response.getFileList())
        .extracting(CodeGeneratorResponse.File::getName)
        .contains("dev/trunk/test/routeguide/RouteGuide.java");
  }

  @Test
  void theResponseDeclaresProto3OptionalAndEditionsUpTo2023() throws IOException {
    CodeGeneratorResponse response = TestProtos.generate(TestProtos.request());

    assertThat(response.getSupportedFeatures())
        .isEqualTo(
            CodeGeneratorResponse.Feature.FEATURE_PROTO3_OPTIONAL_VALUE
                | CodeGeneratorResponse.Feature.FEATURE_SUPPORTS_EDITIONS_VALUE);
    assertThat(response.getMinimumEdition()).isEqualTo(Edition.EDITION_PROTO2_VALUE);
    assertThat(response.getMaximumEdition()).isEqualTo(Edition.EDITION_2023_VALUE);
  }

  @Test
  void protocRunningThePluginAsAProcessWritesTheGoldenFiles() throws IOException {
    Path out = TestProtos.freshDirectory("plugin-out");

    List<String> args =
        new ArrayList<>(
            List.of("--plugin=protoc-gen-trunk=" + pluginScript(), "--trunk_out=" + out));
    args.addAll(TestProtos.files());
    TestProtos.protoc(args);

    assertThat(TestProtos.readTree(out)).isEqualTo(TestProtos.readTree(TestProtos.GOLDEN_DIR));
  }

  @Test
  void everyRenameIsAWarningNamingTheElementBothNamesAndWhy() throws IOException {
    List<String> warnings = new ArrayList<>();

    TrunkCodegen.generate(only("trunk/test/store.proto"), warnings::add);

    assertThat(warnings)
        .containsExactly(
            "trunk-codegen: warning: rpc trunk.test.store.Store.Create is named create_ instead of create in Java, in both Store and StoreClient, because create is already a member of StoreClient",
            "trunk-codegen: warning: rpc trunk.test.store.Store.Class is named class_ instead of class in Java, in both Store and StoreClient, because class is a Java keyword",
            "trunk-codegen: warning: rpc trunk.test.store.Store.ToString is named toString_ instead of toString in Java, in both Store and StoreClient, because toString is a method of java.lang.Object",
            "trunk-codegen: warning: rpc trunk.test.store.Store.get_thing is named getThing_ instead of getThing in Java, in both Store and StoreClient, because getThing is already the method of rpc trunk.test.store.Store.GetThing",
            "trunk-codegen: warning: rpc trunk.test.store.Store.get_thing: its descriptor constant in Store.Methods is named GET_THING_ instead of GET_THING because GET_THING is already the constant of rpc trunk.test.store.Store.GetThing",
            "trunk-codegen: warning: rpc trunk.test.store.Store.WithTimeout is named withTimeout_ instead of withTimeout in Java, in both Store and StoreClient, because withTimeout is already a member of StoreClient",
            "trunk-codegen: warning: rpc trunk.test.store.Store.ServiceDefinition is named serviceDefinition_ instead of serviceDefinition in Java, in both Store and StoreClient, because serviceDefinition is already a member of Store (from"
                + " dev.trunk.Service)",
            "trunk-codegen: warning: rpc trunk.test.store.Store.Foo: its async method in StoreClient is named fooAsync_ instead of fooAsync because fooAsync is already the method of rpc trunk.test.store.Store.FooAsync");
  }

  @Test
  void aRenamedInterfaceOrClientIsAWarningThatNamesWhatTookItsName() throws IOException {
    List<String> warnings = new ArrayList<>();

    TrunkCodegen.generate(only("trunk/test/echo.proto"), warnings::add);

    assertThat(warnings)
        .containsExactly(
            "trunk-codegen: warning: service trunk.test.echo.Echo: its interface is named Echo_"
                + " instead of Echo because Echo is already the outer class protobuf generates"
                + " for trunk/test/echo_messages.proto",
            "trunk-codegen: warning: service trunk.test.echo.Echo: its client is named"
                + " EchoClient_ instead of EchoClient because EchoClient is already the class of"
                + " message trunk.test.echo.EchoClient");
  }

  @Test
  void aServiceWithoutRenamesGivesNoWarning() throws IOException {
    List<String> warnings = new ArrayList<>();

    TrunkCodegen.generate(only("trunk/test/route_guide.proto"), warnings::add);

    assertThat(warnings).isEmpty();
  }

  @Test
  void protocShowsThePluginsWarningsOnStandardError() throws IOException {
    Path out = TestProtos.freshDirectory("plugin-warnings");

    String stderr =
        TestProtos.protocErrors(
            List.of(
                "--plugin=protoc-gen-trunk=" + pluginScript(),
                "--trunk_out=" + out,
                "trunk/test/store.proto"));

    assertThat(stderr.lines())
        .contains(
            "trunk-codegen: warning: rpc trunk.test.store.Store.Create is named create_ instead of"
                + " create in Java, in both Store and StoreClient, because create is already a"
                + " member of StoreClient");
  }

  @Test
  void aFileWithoutServicesProducesNothing() throws IOException {
    CodeGeneratorRequest request =
        TestProtos.request().toBuilder()
            .clearFileToGenerate()
            .addFileToGenerate("trunk/test/common.proto")
            .build();

    CodeGeneratorResponse response = TestProtos.generate(request);

    assertThat(response.getError()).isEmpty();
    assertThat(response.getFileList()).isEmpty();
  }

  @Test
  void aParameterIsAnErrorInTheResponse() throws IOException {
    CodeGeneratorResponse response =
        TestProtos.generate(TestProtos.request().toBuilder().setParameter("lite").build());

    assertThat(response.getError()).isEqualTo("trunk-codegen takes no parameters, got 'lite'");
    assertThat(response.getFileList()).isEmpty();
  }

  @Test
  void anEditionAfter2023IsAnErrorInTheResponse() throws IOException {
    CodeGeneratorRequest.Builder request = TestProtos.request().toBuilder();
    for (FileDescriptorProto.Builder file : request.getProtoFileBuilderList()) {
      if (file.getName().equals("trunk/test/editions.proto")) {
        file.setEdition(Edition.EDITION_2024);
      }
    }

    CodeGeneratorResponse response = TestProtos.generate(request.build());

    assertThat(response.getError())
        .isEqualTo(
            "trunk/test/editions.proto uses EDITION_2024; trunk-codegen supports up to 2023");
    assertThat(response.getFileList()).isEmpty();
  }

  @Test
  void aMessageMissingFromTheRequestIsAnErrorInTheResponse() throws IOException {
    CodeGeneratorRequest.Builder request =
        TestProtos.request().toBuilder()
            .clearProtoFile()
            .clearFileToGenerate()
            .addFileToGenerate("trunk/test/route_guide.proto");
    for (FileDescriptorProto file : TestProtos.request().getProtoFileList()) {
      if (!file.getName().equals("trunk/test/common.proto")) {
        request.addProtoFile(file);
      }
    }

    CodeGeneratorResponse response = TestProtos.generate(request.build());

    assertThat(response.getError())
        .isEqualTo("message type .trunk.test.common.Point is not defined in the request");
  }

  @Test
  void aFileToGenerateMissingFromTheRequestIsAnErrorInTheResponse() throws IOException {
    CodeGeneratorRequest request =
        TestProtos.request().toBuilder().addFileToGenerate("missing.proto").build();

    assertThat(TestProtos.generate(request).getError())
        .isEqualTo("file_to_generate missing.proto is not in proto_file");
  }

  @Test
  void anUnreadableRequestGetsAnErrorResponse() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TrunkCodegen.run(
        new ByteArrayInputStream("not a request".getBytes(StandardCharsets.UTF_8)),
        out,
        warning -> {});

    CodeGeneratorResponse response = CodeGeneratorResponse.parseFrom(out.toByteArray());
    assertThat(response.getError())
        .startsWith("trunk-codegen could not parse the CodeGeneratorRequest");
  }

  /** A request for the test protos that generates only {@code file}. */
  private static CodeGeneratorRequest only(String file) throws IOException {
    return TestProtos.request().toBuilder().clearFileToGenerate().addFileToGenerate(file).build();
  }

  /** A script that runs the plugin in a new JVM, as protoc launches plugins. */
  private static Path pluginScript() throws IOException {
    Path script = TestProtos.WORK_DIR.resolve("protoc-gen-trunk");
    Files.createDirectories(TestProtos.WORK_DIR);
    Files.writeString(
        script,
        "#!/bin/sh\nexec '"
            + Path.of(System.getProperty("java.home"), "bin", "java")
            + "' -cp '"
            + System.getProperty("java.class.path")
            + "' dev.trunk.codegen.TrunkCodegen\n");
    assertThat(script.toFile().setExecutable(true)).isTrue();
    return script;
  }
}
