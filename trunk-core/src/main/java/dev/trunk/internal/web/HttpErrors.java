package dev.trunk.internal.web;

import com.google.protobuf.Any;
import dev.trunk.Status;
import dev.trunk.internal.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Errors of transcoded calls as Google APIs send them: the HTTP status of the gRPC code
 * (google/rpc/code.proto gives each code its HTTP mapping; it is the same table as Connect's, so
 * {@link ConnectCodes#httpStatus} serves both) and a JSON {@code google.rpc.Status} body.
 */
public final class HttpErrors {
  private HttpErrors() {}

  /** The HTTP status of a call that ended with {@code code} (google/rpc/code.proto). */
  public static int httpStatus(Status.Code code) {
    return ConnectCodes.httpStatus(code);
  }

  /**
   * {@code {"code":N,"message":"...","details":[...]}}: the message and details only when present;
   * each detail as {@code detailJson} writes it, or, if it cannot (a type it does not know), as
   * {@code {"@type":"<type url>","value":"<base64>"}}.
   */
  public static byte[] json(Status status, Function<Any, @Nullable Object> detailJson) {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("code", status.code().value());
    String description = status.description();
    if (description != null && !description.isEmpty()) {
      error.put("message", description);
    }
    if (!status.details().isEmpty()) {
      List<Object> details = new ArrayList<>();
      for (Any detail : status.details()) {
        Object json = detailJson.apply(detail);
        details.add(json != null ? json : opaque(detail));
      }
      error.put("details", details);
    }
    return Json.write(error).getBytes(StandardCharsets.UTF_8);
  }

  private static Map<String, Object> opaque(Any detail) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("@type", detail.getTypeUrl());
    json.put("value", Base64.getEncoder().encodeToString(detail.getValue().toByteArray()));
    return json;
  }
}
