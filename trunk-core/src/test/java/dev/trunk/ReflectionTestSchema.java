package dev.trunk;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.StructProto;
import com.google.protobuf.WrappersProto;

/**
 * {@code .proto} files built at run time for the reflection tests, three deep on top of two
 * well-known files:
 *
 * <pre>
 * trunk/test/reflection/common.proto   (proto2; imports google/protobuf/struct.proto)
 *   message Base { optional google.protobuf.Struct data = 1; extensions 100 to 199; }
 *   message Plain { optional string text = 1; }
 * trunk/test/reflection/greeter.proto  (proto2; imports common.proto, google/protobuf/wrappers.proto)
 *   message Outer {
 *     message Inner { optional string text = 1; enum Kind { KIND_UNKNOWN = 0; KIND_A = 1; } }
 *     optional Inner inner = 1;
 *     extend trunk.test.common.Base { optional int32 nested_note = 101; }
 *   }
 *   enum Mood { MOOD_UNKNOWN = 0; MOOD_HAPPY = 1; }
 *   extend trunk.test.common.Base { optional string note = 100; }
 *   service Greeter {
 *     rpc Greet(google.protobuf.StringValue) returns (google.protobuf.StringValue);
 *     rpc Chat(stream Outer) returns (stream Outer.Inner);
 *   }
 * trunk/test/reflection/other.proto    (proto3; imports greeter.proto)
 *   service Other { rpc Ping(trunk.test.greeter.Outer) returns (trunk.test.greeter.Outer); }
 * </pre>
 */
final class ReflectionTestSchema {
  static final String COMMON_FILE = "trunk/test/reflection/common.proto";
  static final String GREETER_FILE = "trunk/test/reflection/greeter.proto";
  static final String OTHER_FILE = "trunk/test/reflection/other.proto";
  static final String STRUCT_FILE = "google/protobuf/struct.proto";
  static final String WRAPPERS_FILE = "google/protobuf/wrappers.proto";

  static final String GREETER_SERVICE = "trunk.test.greeter.Greeter";
  static final String OTHER_SERVICE = "trunk.test.other.Other";

  static final FileDescriptor COMMON;
  static final FileDescriptor GREETER;
  static final FileDescriptor OTHER;

  static {
    try {
      COMMON =
          FileDescriptor.buildFrom(common(), new FileDescriptor[] {StructProto.getDescriptor()});
      GREETER =
          FileDescriptor.buildFrom(
              greeter(), new FileDescriptor[] {COMMON, WrappersProto.getDescriptor()});
      OTHER = FileDescriptor.buildFrom(other(), new FileDescriptor[] {GREETER});
    } catch (DescriptorValidationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private ReflectionTestSchema() {}

  private static FileDescriptorProto common() {
    return FileDescriptorProto.newBuilder()
        .setName(COMMON_FILE)
        .setPackage("trunk.test.common")
        .addDependency(STRUCT_FILE)
        .addMessageType(
            DescriptorProto.newBuilder()
                .setName("Base")
                .addField(field("data", 1, ".google.protobuf.Struct"))
                .addExtensionRange(
                    DescriptorProto.ExtensionRange.newBuilder().setStart(100).setEnd(200)))
        .addMessageType(
            DescriptorProto.newBuilder()
                .setName("Plain")
                .addField(scalar("text", 1, FieldDescriptorProto.Type.TYPE_STRING)))
        .build();
  }

  private static FileDescriptorProto greeter() {
    return FileDescriptorProto.newBuilder()
        .setName(GREETER_FILE)
        .setPackage("trunk.test.greeter")
        .addDependency(COMMON_FILE)
        .addDependency(WRAPPERS_FILE)
        .addMessageType(
            DescriptorProto.newBuilder()
                .setName("Outer")
                .addNestedType(
                    DescriptorProto.newBuilder()
                        .setName("Inner")
                        .addField(scalar("text", 1, FieldDescriptorProto.Type.TYPE_STRING))
                        .addEnumType(enumType("Kind", "KIND_UNKNOWN", "KIND_A")))
                .addField(field("inner", 1, ".trunk.test.greeter.Outer.Inner"))
                .addExtension(
                    scalar("nested_note", 101, FieldDescriptorProto.Type.TYPE_INT32)
                        .setExtendee(".trunk.test.common.Base")))
        .addEnumType(enumType("Mood", "MOOD_UNKNOWN", "MOOD_HAPPY"))
        .addExtension(
            scalar("note", 100, FieldDescriptorProto.Type.TYPE_STRING)
                .setExtendee(".trunk.test.common.Base"))
        .addService(
            ServiceDescriptorProto.newBuilder()
                .setName("Greeter")
                .addMethod(
                    MethodDescriptorProto.newBuilder()
                        .setName("Greet")
                        .setInputType(".google.protobuf.StringValue")
                        .setOutputType(".google.protobuf.StringValue"))
                .addMethod(
                    MethodDescriptorProto.newBuilder()
                        .setName("Chat")
                        .setInputType(".trunk.test.greeter.Outer")
                        .setOutputType(".trunk.test.greeter.Outer.Inner")
                        .setClientStreaming(true)
                        .setServerStreaming(true)))
        .build();
  }

  private static FileDescriptorProto other() {
    return FileDescriptorProto.newBuilder()
        .setName(OTHER_FILE)
        .setPackage("trunk.test.other")
        .setSyntax("proto3")
        .addDependency(GREETER_FILE)
        .addService(
            ServiceDescriptorProto.newBuilder()
                .setName("Other")
                .addMethod(
                    MethodDescriptorProto.newBuilder()
                        .setName("Ping")
                        .setInputType(".trunk.test.greeter.Outer")
                        .setOutputType(".trunk.test.greeter.Outer")))
        .build();
  }

  private static FieldDescriptorProto field(String name, int number, String messageType) {
    return FieldDescriptorProto.newBuilder()
        .setName(name)
        .setNumber(number)
        .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL)
        .setType(FieldDescriptorProto.Type.TYPE_MESSAGE)
        .setTypeName(messageType)
        .build();
  }

  private static FieldDescriptorProto.Builder scalar(
      String name, int number, FieldDescriptorProto.Type type) {
    return FieldDescriptorProto.newBuilder()
        .setName(name)
        .setNumber(number)
        .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL)
        .setType(type);
  }

  private static EnumDescriptorProto enumType(String name, String... values) {
    EnumDescriptorProto.Builder builder = EnumDescriptorProto.newBuilder().setName(name);
    for (int i = 0; i < values.length; i++) {
      builder.addValue(EnumValueDescriptorProto.newBuilder().setName(values[i]).setNumber(i));
    }
    return builder.build();
  }
}
