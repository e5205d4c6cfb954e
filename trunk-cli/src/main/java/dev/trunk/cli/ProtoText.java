package dev.trunk.cli;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.GenericDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;

/**
 * A descriptor as {@code .proto} source text for {@code describe}: a comment line naming what it is
 * and its file, then the declaration (nested messages and enums included).
 */
final class ProtoText {
  private static final String INDENT = "  ";

  private final StringBuilder text = new StringBuilder();

  private ProtoText() {}

  static String of(GenericDescriptor symbol) {
    ProtoText printer = new ProtoText();
    printer.header(symbol);
    switch (symbol) {
      case ServiceDescriptor service -> printer.service(service);
      case MethodDescriptor method -> printer.line("", rpc(method));
      case Descriptor message -> printer.message(message, "");
      case EnumDescriptor e -> printer.enumeration(e, "");
      default -> throw new IllegalArgumentException("not a describable symbol: " + symbol);
    }
    return printer.text.toString();
  }

  private void header(GenericDescriptor symbol) {
    String kind =
        switch (symbol) {
          case ServiceDescriptor s -> "service";
          case MethodDescriptor m -> "method";
          case Descriptor d -> "message";
          case EnumDescriptor e -> "enum";
          default -> "symbol";
        };
    line("", "// " + symbol.getFullName() + " is a " + kind + " in " + symbol.getFile().getName());
  }

  private void service(ServiceDescriptor service) {
    line("", "service " + service.getName() + " {");
    service.getMethods().forEach(method -> line(INDENT, rpc(method)));
    line("", "}");
  }

  private static String rpc(MethodDescriptor method) {
    return "rpc "
        + method.getName()
        + "("
        + (method.isClientStreaming() ? "stream " : "")
        + "."
        + method.getInputType().getFullName()
        + ") returns ("
        + (method.isServerStreaming() ? "stream " : "")
        + "."
        + method.getOutputType().getFullName()
        + ");";
  }

  private void message(Descriptor message, String indent) {
    line(indent, "message " + message.getName() + " {");
    String inner = indent + INDENT;
    for (Descriptor nested : message.getNestedTypes()) {
      if (!nested.getOptions().getMapEntry()) {
        message(nested, inner);
      }
    }
    message.getEnumTypes().forEach(e -> enumeration(e, inner));
    OneofDescriptor open = null;
    for (FieldDescriptor field : message.getFields()) {
      OneofDescriptor oneof = field.getRealContainingOneof();
      if (oneof != open) {
        if (open != null) {
          line(inner, "}");
        }
        if (oneof != null) {
          line(inner, "oneof " + oneof.getName() + " {");
        }
        open = oneof;
      }
      line(oneof != null ? inner + INDENT : inner, field(field));
    }
    if (open != null) {
      line(inner, "}");
    }
    line(indent, "}");
  }

  private static String field(FieldDescriptor field) {
    String label =
        field.isMapField()
            ? ""
            : field.isRepeated()
                ? "repeated "
                : field.toProto().getProto3Optional() ? "optional " : "";
    return label + type(field) + " " + field.getName() + " = " + field.getNumber() + ";";
  }

  private static String type(FieldDescriptor field) {
    if (field.isMapField()) {
      Descriptor entry = field.getMessageType();
      return "map<"
          + type(entry.findFieldByNumber(1))
          + ", "
          + type(entry.findFieldByNumber(2))
          + ">";
    }
    return switch (field.getType()) {
      case MESSAGE, GROUP -> "." + field.getMessageType().getFullName();
      case ENUM -> "." + field.getEnumType().getFullName();
      default -> field.getType().name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  private void enumeration(EnumDescriptor e, String indent) {
    line(indent, "enum " + e.getName() + " {");
    for (EnumValueDescriptor value : e.getValues()) {
      line(indent + INDENT, value.getName() + " = " + value.getNumber() + ";");
    }
    line(indent, "}");
  }

  private void line(String indent, String content) {
    text.append(indent).append(content).append('\n');
  }
}
