package dev.trunk.internal.web;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.DescriptorProtos.MethodOptions;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One HTTP binding of a method's {@code google.api.http} option (google/api/http.proto, {@code
 * HttpRule}): the HTTP method, the path template, which request field the body holds and which
 * response field is the response body.
 *
 * <p>The option is read from the serialized {@code MethodOptions} by hand, so it is found whether
 * the extension was registered when the schema was built (generated code) or kept as an unknown
 * field (a schema built at run time), and the core needs no extra proto dependency.
 *
 * @param httpMethod the HTTP method ({@code GET}, ..., or a custom one as written: methods are
 *     case-sensitive)
 * @param pattern the path template
 * @param body "" for no body, "*" for the whole request message, else a top-level field name
 * @param responseBody "" for the whole response message, else a top-level field name
 */
public record HttpBinding(String httpMethod, String pattern, String body, String responseBody) {
  /** The field number of {@code google.api.http} in {@code MethodOptions} (annotations.proto). */
  static final int HTTP_EXTENSION = 72295728;

  private static final int HTTP_TAG = HTTP_EXTENSION << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;

  // HttpRule's fields (http.proto).
  private static final int GET = 2;
  private static final int PUT = 3;
  private static final int POST = 4;
  private static final int DELETE = 5;
  private static final int PATCH = 6;
  private static final int BODY = 7;
  private static final int CUSTOM = 8;
  private static final int ADDITIONAL_BINDINGS = 11;
  private static final int RESPONSE_BODY = 12;
  // CustomHttpPattern's fields.
  private static final int CUSTOM_KIND = 1;
  private static final int CUSTOM_PATH = 2;

  /**
   * The bindings of a method: its {@code google.api.http} rule, then its {@code
   * additional_bindings}; empty without the option.
   *
   * @throws IllegalArgumentException if the rule is malformed: no pattern, nested additional
   *     bindings
   */
  public static List<HttpBinding> of(MethodOptions options) {
    ByteString rule = extension(options.toByteString());
    List<HttpBinding> bindings = new ArrayList<>();
    if (!rule.isEmpty()) {
      parseRule(rule, true, bindings);
    }
    return bindings;
  }

  /** The bytes of every occurrence of the extension, concatenated (protobuf's merge of them). */
  private static ByteString extension(ByteString options) {
    ByteString rule = ByteString.EMPTY;
    try {
      CodedInputStream in = options.newCodedInput();
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        if (tag == HTTP_TAG) {
          rule = rule.concat(in.readBytes());
        } else {
          in.skipField(tag);
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("malformed method options: " + e.getMessage(), e);
    }
    return rule;
  }

  private static void parseRule(ByteString bytes, boolean topLevel, List<HttpBinding> out) {
    String method = "";
    String pattern = "";
    String body = "";
    String responseBody = "";
    List<ByteString> additional = new ArrayList<>();
    try {
      CodedInputStream in = bytes.newCodedInput();
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        int field = WireFormat.getTagFieldNumber(tag);
        switch (field) {
          case GET, PUT, POST, DELETE, PATCH -> {
            method = methodName(field);
            pattern = in.readString();
          }
          case CUSTOM -> {
            String[] custom = parseCustom(in.readBytes());
            method = custom[0];
            pattern = custom[1];
          }
          case BODY -> body = in.readString();
          case RESPONSE_BODY -> responseBody = in.readString();
          case ADDITIONAL_BINDINGS -> additional.add(in.readBytes());
          default -> in.skipField(tag);
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("malformed google.api.http rule: " + e.getMessage(), e);
    }
    if (pattern.isEmpty() || method.isEmpty()) {
      throw new IllegalArgumentException("a google.api.http rule has no HTTP method and path");
    }
    if (!topLevel && !additional.isEmpty()) {
      throw new IllegalArgumentException(
          "additional_bindings of google.api.http must not have additional_bindings of their own");
    }
    out.add(new HttpBinding(method, pattern, body, responseBody));
    for (ByteString binding : additional) {
      parseRule(binding, false, out);
    }
  }

  private static String methodName(int field) {
    return switch (field) {
      case GET -> "GET";
      case PUT -> "PUT";
      case POST -> "POST";
      case DELETE -> "DELETE";
      default -> "PATCH";
    };
  }

  private static String[] parseCustom(ByteString bytes) throws IOException {
    String kind = "";
    String path = "";
    CodedInputStream in = bytes.newCodedInput();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case CUSTOM_KIND -> kind = in.readString();
        case CUSTOM_PATH -> path = in.readString();
        default -> in.skipField(tag);
      }
    }
    return new String[] {kind, path};
  }

  @Override
  public String toString() {
    return httpMethod + " " + pattern;
  }
}
