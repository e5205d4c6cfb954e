package dev.trunk.codegen;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

class NamingTest {

  @Test
  void lowerCamelFollowsProtobufsJavaConversion() {
    assertThat(Identifiers.lowerCamel("GetFeature")).isEqualTo("getFeature");
    assertThat(Identifiers.lowerCamel("get_feature")).isEqualTo("getFeature");
    assertThat(Identifiers.lowerCamel("HTTPGet")).isEqualTo("hTTPGet");
    assertThat(Identifiers.lowerCamel("get2d")).isEqualTo("get2D");
    assertThat(Identifiers.lowerCamel("_1st")).isEqualTo("_1St");
  }

  @Test
  void upperSnakeSplitsWordsAndAcronyms() {
    assertThat(Identifiers.upperSnake("GetFeature")).isEqualTo("GET_FEATURE");
    assertThat(Identifiers.upperSnake("get_feature")).isEqualTo("GET_FEATURE");
    assertThat(Identifiers.upperSnake("HTTPRequest")).isEqualTo("HTTP_REQUEST");
    assertThat(Identifiers.upperSnake("ServiceName")).isEqualTo("SERVICE_NAME");
  }

  @Test
  void aNamespaceAppendsUnderscoresAndSaysWhyEachCandidateWasTaken() {
    Namespace names =
        new Namespace().take("get", "is already the method of rpc A").take("get_", "is taken");

    Namespace.Choice choice = names.claim("get", "is already the method of rpc B");

    assertThat(choice.name()).isEqualTo("get__");
    assertThat(choice.renaming()).isEqualTo("named get__ instead of get");
    assertThat(choice.because())
        .isEqualTo("because get is already the method of rpc A and get_ is taken");
    assertThat(names.choose("get__").because())
        .isEqualTo("because get__ is already the method of rpc B");
    assertThat(names.choose("null").because()).isEqualTo("because null is a Java literal");
    assertThat(names.choose("class").name()).isEqualTo("class_");
    assertThat(names.choose("").name()).isEqualTo("__");
    assertThat(names.choose("record").renamed()).isFalse();
    assertThat(names.choose("free").renamed()).isFalse();
  }

  @Test
  void theOuterClassComesFromTheFileNameUnlessATypeTakesIt() {
    assertThat(JavaNames.outerClassName(file("a/route_guide.proto"))).isEqualTo("RouteGuide");
    assertThat(JavaNames.outerClassName(file("foo-bar.baz2qux.proto"))).isEqualTo("FooBarBaz2Qux");
    assertThat(
            JavaNames.outerClassName(
                file("x/feature.proto").toBuilder()
                    .addMessageType(
                        DescriptorProto.newBuilder()
                            .setName("Outer")
                            .addNestedType(DescriptorProto.newBuilder().setName("Feature")))
                    .build()))
        .isEqualTo("FeatureOuterClass");
    assertThat(
            JavaNames.outerClassName(
                file("x/feature.proto").toBuilder()
                    .setOptions(FileOptions.newBuilder().setJavaOuterClassname("Features"))
                    .build()))
        .isEqualTo("Features");
  }

  @Test
  void messagesAreNestedInTheOuterClassUnlessJavaMultipleFiles() {
    FileDescriptorProto nested =
        file("p/nested.proto").toBuilder()
            .setPackage("p")
            .addMessageType(
                DescriptorProto.newBuilder()
                    .setName("A")
                    .addNestedType(DescriptorProto.newBuilder().setName("B")))
            .build();
    FileDescriptorProto multiple =
        file("q/multiple.proto").toBuilder()
            .setPackage("q")
            .setOptions(
                FileOptions.newBuilder().setJavaPackage("com.example.q").setJavaMultipleFiles(true))
            .addMessageType(DescriptorProto.newBuilder().setName("C"))
            .build();
    JavaNames names = new JavaNames(List.of(nested, multiple));

    assertThat(names.messageClass(".p.A.B")).isEqualTo("p.Nested.A.B");
    assertThat(names.messageClass(".q.C")).isEqualTo("com.example.q.C");
    assertThat(names.protobufClasses("com.example.q"))
        .containsEntry("COrBuilder", "the OrBuilder interface protobuf generates for message q.C");
    assertThat(names.protobufClasses("p")).containsOnlyKeys("Nested");
  }

  @Test
  void javadocEscapesWhatWouldEndTheCommentOrStartATag() {
    assertThat(Javadoc.paragraphs(" Ends */ here, @see <a> & \\u0041.\n\n Second.\n"))
        .containsExactly(
            "Ends *&#47; here, &#64;see &lt;a&gt; &amp; &#92;u0041.", "", "<p>Second.");
  }

  private static FileDescriptorProto file(String name) {
    return FileDescriptorProto.newBuilder().setName(name).build();
  }
}
