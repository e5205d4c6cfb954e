package dev.trunk.cli;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.TypeRegistry;
import com.google.protobuf.util.JsonFormat;

/**
 * Messages in and out as JSON (the proto3 JSON mapping of protobuf-java-util): requests parsed
 * strictly (a field not in the message is an error), responses printed one compact object per line.
 * {@code Any} fields use the schema's types.
 */
public final class Json {
  private final JsonFormat.Parser parser;
  private final JsonFormat.Printer printer;

  /** JSON for the types of {@code registry} in {@code Any} fields. */
  public Json(TypeRegistry registry) {
    this.parser = JsonFormat.parser().usingTypeRegistry(registry);
    this.printer =
        JsonFormat.printer().usingTypeRegistry(registry).omittingInsignificantWhitespace();
  }

  /**
   * Parses {@code json} as a {@code type} message.
   *
   * @param where names the input in errors, e.g. {@code "the request"} or {@code "line 3"}
   * @throws CliException ({@link ExitCode#USAGE}) naming {@code where}, the position (when the
   *     parser gives it) and the cause
   */
  public DynamicMessage parse(String json, Descriptor type, String where) {
    DynamicMessage.Builder builder = DynamicMessage.newBuilder(type);
    try {
      parser.merge(json, builder);
      return builder.build();
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new CliException(
          ExitCode.USAGE,
          "invalid JSON in " + where + " for " + type.getFullName() + ": " + cause(e),
          e);
    }
  }

  /** {@code message} as one line of JSON. */
  public String print(MessageOrBuilder message) {
    try {
      return printer.print(message);
    } catch (InvalidProtocolBufferException e) {
      throw new CliException(
          ExitCode.USAGE, "cannot print a response as JSON: " + e.getMessage(), e);
    }
  }

  /** The innermost message, which names the position for malformed JSON. */
  private static String cause(Throwable e) {
    Throwable inner = e;
    while (inner.getCause() != null && inner.getCause().getMessage() != null) {
      inner = inner.getCause();
    }
    return inner.getMessage() == null ? inner.toString() : inner.getMessage();
  }
}
