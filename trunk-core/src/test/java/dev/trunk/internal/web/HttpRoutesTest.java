package dev.trunk.internal.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.HttpRule;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.MethodOptions;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.UnknownFieldSet;
import org.junit.jupiter.api.Test;

/** Path templates and the routes of google.api.http bindings, without a server. */
class HttpRoutesTest {
  @Test
  void aVariableWithSegmentsBindsTheMatchedSegments() {
    PathTemplate template = PathTemplate.parse("/v1/{name=projects/*/items/*}");

    assertThat(template.match("/v1/projects/p1/items/i%202"))
        .containsEntry("name", "projects/p1/items/i 2");
    assertThat(template.match("/v1/projects/p1/other/i2")).isNull();
    assertThat(template.match("/v1/projects/p1/items")).isNull();
  }

  @Test
  void aSingleSegmentVariableDecodesEverythingAndADoubleStarKeepsReservedEscapes() {
    assertThat(PathTemplate.parse("/v1/{id}").match("/v1/a%2Fb")).containsEntry("id", "a/b");
    assertThat(PathTemplate.parse("/v1/{path=**}").match("/v1/a/b%2Fc%3F"))
        .containsEntry("path", "a/b%2Fc%3F");
    assertThat(PathTemplate.parse("/v1/{path=**}").match("/v1")).containsEntry("path", "");
  }

  @Test
  void aVerbMustEndThePath() {
    PathTemplate template = PathTemplate.parse("/v1/{name}:cancel");

    assertThat(template.match("/v1/op1:cancel")).containsEntry("name", "op1");
    assertThat(template.match("/v1/op1")).isNull();
    assertThat(template.shape()).isEqualTo("/v1/*:cancel");
  }

  @Test
  void malformedTemplatesAreRefusedWithWhereTheyGoWrong() {
    assertThatThrownBy(() -> PathTemplate.parse("v1/x"))
        .hasMessageContaining("offset 0: expected '/'");
    assertThatThrownBy(() -> PathTemplate.parse("/v1/**/x"))
        .hasMessageContaining("'**' must be the last segment");
    assertThatThrownBy(() -> PathTemplate.parse("/v1/{a={b}}"))
        .hasMessageContaining("variables cannot nest");
    assertThatThrownBy(() -> PathTemplate.parse("/v1/{a}/{a}")).hasMessageContaining("bound twice");
    assertThatThrownBy(() -> PathTemplate.parse("/v1//x")).hasMessageContaining("empty segment");
  }

  @Test
  void aLiteralSegmentWinsOverAVariable() {
    HttpRoutes<String> routes = new HttpRoutes<>();
    ServiceDescriptor service =
        service(
            rule(HttpRule.newBuilder().setGet("/v1/{name}")),
            rule(HttpRule.newBuilder().setGet("/v1/special")));
    routes.add("first", service.getMethods().get(0));
    routes.add("second", service.getMethods().get(1));

    assertThat(routes.match("GET", "/v1/special").route().target()).isEqualTo("second");
    assertThat(routes.match("GET", "/v1/other").route().target()).isEqualTo("first");
    assertThat(routes.match("POST", "/v1/other")).isNull();
  }

  @Test
  void bindingsReadFromUnknownFieldsConflictingAtRegistrationNameBothMethods() {
    HttpRoutes<String> routes = new HttpRoutes<>();
    ServiceDescriptor service =
        service(
            rule(HttpRule.newBuilder().setGet("/v1/{name}")),
            rule(
                HttpRule.newBuilder()
                    .setPost("/v1/things")
                    .addAdditionalBindings(HttpRule.newBuilder().setGet("/v1/{other}"))));
    routes.add("first", service.getMethods().get(0));

    assertThatThrownBy(() -> routes.add("second", service.getMethods().get(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "HTTP rule GET /v1/{other} of test.Svc.B conflicts with GET /v1/{name} of test.Svc.A");
  }

  @Test
  void aBindingOfAFieldTheRequestLacksIsRefusedNamingTheMethod() {
    ServiceDescriptor service =
        service(
            rule(HttpRule.newBuilder().setGet("/v1/{missing}")),
            rule(HttpRule.newBuilder().setGet("/v1/x").setBody("*")));

    assertThatThrownBy(() -> new HttpRoutes<String>().add("a", service.getMethods().get(0)))
        .hasMessage("google.api.http of test.Svc.A: 'missing': test.Req has no field 'missing'");
    assertThatThrownBy(() -> new HttpRoutes<String>().add("b", service.getMethods().get(1)))
        .hasMessage("google.api.http of test.Svc.B: GET cannot have a body");
  }

  private static MethodOptions rule(HttpRule.Builder rule) {
    // As a schema built at run time holds it: an unknown field, the extension not registered.
    return MethodOptions.newBuilder()
        .setUnknownFields(
            UnknownFieldSet.newBuilder()
                .addField(
                    HttpBinding.HTTP_EXTENSION,
                    UnknownFieldSet.Field.newBuilder()
                        .addLengthDelimited(rule.build().toByteString())
                        .build())
                .build())
        .build();
  }

  private static ServiceDescriptor service(MethodOptions a, MethodOptions b) {
    FileDescriptorProto file =
        FileDescriptorProto.newBuilder()
            .setName("test/routes.proto")
            .setPackage("test")
            .setSyntax("proto3")
            .addMessageType(
                DescriptorProto.newBuilder()
                    .setName("Req")
                    .addField(field("name", 1))
                    .addField(field("other", 2)))
            .addService(
                ServiceDescriptorProto.newBuilder()
                    .setName("Svc")
                    .addMethod(method("A", a))
                    .addMethod(method("B", b)))
            .build();
    try {
      return FileDescriptor.buildFrom(file, new FileDescriptor[0]).findServiceByName("Svc");
    } catch (DescriptorValidationException e) {
      throw new AssertionError(e);
    }
  }

  private static FieldDescriptorProto.Builder field(String name, int number) {
    return FieldDescriptorProto.newBuilder()
        .setName(name)
        .setNumber(number)
        .setType(FieldDescriptorProto.Type.TYPE_STRING)
        .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL);
  }

  private static MethodDescriptorProto.Builder method(String name, MethodOptions options) {
    return MethodDescriptorProto.newBuilder()
        .setName(name)
        .setInputType(".test.Req")
        .setOutputType(".test.Req")
        .setOptions(options);
  }
}
