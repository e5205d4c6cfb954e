package dev.trunk.cli.breaking;

import com.google.protobuf.DescriptorProtos.FeatureSet;
import com.google.protobuf.DescriptorProtos.FeatureSet.JsonFormat;
import com.google.protobuf.DescriptorProtos.FeatureSet.Utf8Validation;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import java.util.ArrayList;
import java.util.List;

/**
 * The language-independent features the rules compare, resolved as protobuf does: the closest
 * element that sets it, else the file's syntax or edition default (descriptor.proto's feature
 * defaults: proto2 has no UTF-8 check and best-effort JSON; proto3 and the editions verify UTF-8
 * and allow JSON). The descriptors' own protos are read: resolved descriptors drop the features
 * from their options.
 */
final class Features {
  private Features() {}

  static boolean allowsJson(Descriptor message) {
    return jsonFormat(chain(message), message.getFile()) == JsonFormat.ALLOW;
  }

  static boolean allowsJson(EnumDescriptor e) {
    List<FeatureSet> chain = new ArrayList<>();
    chain.add(e.toProto().getOptions().getFeatures());
    if (e.getContainingType() != null) {
      chain.addAll(chain(e.getContainingType()));
    }
    return jsonFormat(chain, e.getFile()) == JsonFormat.ALLOW;
  }

  static Utf8Validation utf8Validation(FieldDescriptor field) {
    List<FeatureSet> chain = new ArrayList<>();
    chain.add(field.toProto().getOptions().getFeatures());
    if (field.getRealContainingOneof() != null) {
      chain.add(field.getRealContainingOneof().toProto().getOptions().getFeatures());
    }
    Descriptor parent = field.isExtension() ? field.getExtensionScope() : field.getContainingType();
    if (parent != null) {
      chain.addAll(chain(parent));
    }
    chain.add(field.getFile().toProto().getOptions().getFeatures());
    for (FeatureSet features : chain) {
      if (features.hasUtf8Validation()) {
        return features.getUtf8Validation();
      }
    }
    return isProto2(field.getFile()) ? Utf8Validation.NONE : Utf8Validation.VERIFY;
  }

  /**
   * Whether Java checks UTF-8 in this string field: the file option java_string_check_utf8, else
   * the field's UTF-8 validation (Java's own editions feature is not read).
   */
  static boolean javaChecksUtf8(FieldDescriptor field) {
    return field.getFile().toProto().getOptions().getJavaStringCheckUtf8()
        || utf8Validation(field) == Utf8Validation.VERIFY;
  }

  private static JsonFormat jsonFormat(List<FeatureSet> chain, FileDescriptor file) {
    List<FeatureSet> all = new ArrayList<>(chain);
    all.add(file.toProto().getOptions().getFeatures());
    for (FeatureSet features : all) {
      if (features.hasJsonFormat()) {
        return features.getJsonFormat();
      }
    }
    return isProto2(file) ? JsonFormat.LEGACY_BEST_EFFORT : JsonFormat.ALLOW;
  }

  private static List<FeatureSet> chain(Descriptor message) {
    List<FeatureSet> chain = new ArrayList<>();
    for (Descriptor m = message; m != null; m = m.getContainingType()) {
      chain.add(m.toProto().getOptions().getFeatures());
    }
    return chain;
  }

  private static boolean isProto2(FileDescriptor file) {
    String syntax = file.toProto().getSyntax();
    return syntax.isEmpty() || syntax.equals("proto2");
  }
}
