package dev.trunk.internal.web;

import com.google.protobuf.Any;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.trunk.Status;
import dev.trunk.internal.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One HTTP binding of a unary method (google/api/http.proto, "gRPC Transcoding") and the
 * conversions it defines: the request message from path variables, query parameters and the JSON
 * body; the JSON response from the response message; and errors as a JSON {@code google.rpc.Status}
 * ({@code {"code":5,"message":"...","details":[...]}}).
 *
 * @param <T> what the route leads to (the server's method)
 */
public final class HttpRoute<T> {
  /** HTTP methods without a request body, which must not bind one (http.proto, "body"). */
  private static final Set<String> NO_BODY = Set.of("GET", "DELETE");

  private final T target;
  private final String methodName;
  private final HttpBinding binding;
  private final PathTemplate template;
  private final Descriptor input;
  private final Descriptor output;
  private final JsonFormat.Parser parser;
  private final JsonFormat.Printer printer;

  /**
   * A route for {@code binding} of the method {@code methodName}.
   *
   * @throws IllegalArgumentException naming the method if the binding is invalid for its messages
   */
  HttpRoute(T target, String methodName, HttpBinding binding, Descriptor input, Descriptor output) {
    this.target = target;
    this.methodName = methodName;
    this.binding = binding;
    this.input = input;
    this.output = output;
    try {
      this.template = PathTemplate.parse(binding.pattern());
      validate();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "google.api.http of " + methodName + ": " + e.getMessage(), e);
    }
    JsonFormat.TypeRegistry types =
        JsonFormat.TypeRegistry.newBuilder().add(input).add(output).build();
    this.parser = JsonFormat.parser().usingTypeRegistry(types);
    this.printer = JsonFormat.printer().usingTypeRegistry(types).omittingInsignificantWhitespace();
  }

  private void validate() {
    for (PathTemplate.Variable variable : template.variables()) {
      FieldDescriptor field = FieldPaths.resolve(input, variable.fieldPath());
      if (field.isRepeated() || field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
        throw new IllegalArgumentException(
            "path variable '"
                + variable.fieldPath()
                + "' must name a singular field of a primitive type");
      }
    }
    String body = binding.body();
    if (!body.isEmpty() && NO_BODY.contains(binding.httpMethod())) {
      throw new IllegalArgumentException(binding.httpMethod() + " cannot have a body");
    }
    if (!body.isEmpty() && !body.equals("*") && input.findFieldByName(body) == null) {
      throw new IllegalArgumentException(
          "body '" + body + "' is not a field of " + input.getName());
    }
    String responseBody = binding.responseBody();
    if (!responseBody.isEmpty() && output.findFieldByName(responseBody) == null) {
      throw new IllegalArgumentException(
          "response_body '" + responseBody + "' is not a field of " + output.getName());
    }
  }

  /** What a matched request leads to. */
  public T target() {
    return target;
  }

  HttpBinding binding() {
    return binding;
  }

  PathTemplate template() {
    return template;
  }

  String methodName() {
    return methodName;
  }

  /**
   * The request message (binary protobuf) of a matched request: the JSON body (all of the message,
   * one field, or none as the binding says), then the query parameters ({@code a.b=1&tag=x&tag=y}),
   * then the path variables, each merged over what came before.
   *
   * @throws IllegalArgumentException naming what is wrong: malformed JSON or percent-encoding, an
   *     unknown field, a value that is not of the field's type
   */
  public byte[] request(Map<String, String> variables, String rawQuery, byte[] body) {
    DynamicMessage.Builder message = DynamicMessage.newBuilder(input);
    String text = new String(body, StandardCharsets.UTF_8);
    if (!binding.body().isEmpty() && !text.isBlank()) {
      merge(bodyJson(text), message, "body");
    }
    if (!rawQuery.isEmpty()) {
      merge(Json.write(QueryParameters.toJson(input, rawQuery)), message, "query");
    }
    Map<String, Object> path = new LinkedHashMap<>();
    variables.forEach((fieldPath, value) -> FieldPaths.put(path, fieldPath, value));
    merge(Json.write(path), message, "path");
    return message.build().toByteArray();
  }

  private String bodyJson(String text) {
    if (binding.body().equals("*")) {
      return text;
    }
    // A whole JSON value (checked here, so nothing else can ride along) as the value of the field.
    Json.parse(text);
    return "{" + Json.write(binding.body()) + ":" + text + "}";
  }

  private void merge(String json, DynamicMessage.Builder message, String where) {
    try {
      parser.merge(json, message);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new IllegalArgumentException(
          "bad " + where + " for " + input.getFullName() + ": " + e.getMessage(), e);
    }
  }

  /**
   * The JSON response body of a response message (binary protobuf): the message, or its {@code
   * response_body} field.
   *
   * @throws IllegalArgumentException if the bytes are not a response message
   */
  public byte[] response(byte[] message) {
    try {
      DynamicMessage parsed = DynamicMessage.parseFrom(output, message);
      String field = binding.responseBody();
      String json = field.isEmpty() ? printer.print(parsed) : fieldJson(parsed, field);
      return json.getBytes(StandardCharsets.UTF_8);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(
          "the response is not a " + output.getFullName() + ": " + e.getMessage(), e);
    }
  }

  /**
   * One field's JSON value: a message as itself ({@code {}} when unset), anything else printed in a
   * message holding only it, then taken out.
   */
  private String fieldJson(DynamicMessage message, String name)
      throws InvalidProtocolBufferException {
    FieldDescriptor field = output.findFieldByName(name);
    if (!field.isRepeated() && field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
      return printer.print((Message) message.getField(field));
    }
    DynamicMessage only =
        DynamicMessage.newBuilder(output).setField(field, message.getField(field)).build();
    Object printed =
        Json.parse(printer.alwaysPrintFieldsWithNoPresence().print(only)) instanceof Map<?, ?> map
            ? map.get(field.getJsonName())
            : null;
    return Json.write(printed);
  }

  /**
   * The JSON error body of a failed call, a {@code google.rpc.Status} in the proto3 JSON mapping:
   * the numeric code, the message and the details; a detail whose type is not known from the
   * method's .proto files is written as {@code {"@type":"<url>","value":"<base64>"}}.
   */
  public byte[] error(Status status) {
    return HttpErrors.json(status, this::detailJson);
  }

  private @Nullable Object detailJson(Any detail) {
    try {
      return Json.parse(printer.print(detail));
    } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
      return null;
    }
  }
}
