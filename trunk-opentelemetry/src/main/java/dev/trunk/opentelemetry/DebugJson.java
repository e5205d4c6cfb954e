package dev.trunk.opentelemetry;

import com.google.protobuf.Descriptors;
import dev.trunk.EventListener;
import dev.trunk.Status;
import java.util.List;
import java.util.Map;

/** The debug page's JSON API documents (see docs/observability.md, "Debug page"). */
final class DebugJson {
  private DebugJson() {}

  /** {@code api/stats}: methods, recent slow and failed calls, open connections and calls. */
  static String stats(DebugPage page) {
    long now = page.nowMillis();
    JsonWriter json = new JsonWriter().beginObject();
    json.name("windowSeconds").value(CallWindow.SECONDS);
    json.name("slowCallMillis").value(DebugPage.SLOW_CALL_NANOS / 1_000_000);
    json.name("methods").beginArray();
    page.methods().forEach((method, snapshot) -> method(json, method, snapshot));
    json.endArray();
    json.name("slowCalls");
    ended(json, page.slowCalls(), now);
    json.name("failedCalls");
    ended(json, page.failedCalls(), now);
    connections(json, page.connections(), now);
    openCalls(json, page.openCalls(), now);
    return json.endObject().toString();
  }

  /** {@code api/methods}: the unary methods the form can call. */
  static String methods(List<Descriptors.MethodDescriptor> methods) {
    JsonWriter json = new JsonWriter().beginObject().name("form").value(true);
    json.name("methods").beginArray();
    for (Descriptors.MethodDescriptor method : methods) {
      json.beginObject();
      json.name("method").value(JsonCalls.fullName(method));
      json.name("requestType").value(method.getInputType().getFullName());
      json.endObject();
    }
    return json.endArray().endObject().toString();
  }

  /** {@code api/methods} when the form cannot work, and why. */
  static String noForm(String reason) {
    return new JsonWriter()
        .beginObject()
        .name("form")
        .value(false)
        .name("reason")
        .value(reason)
        .endObject()
        .toString();
  }

  /** {@code api/call}'s answer to a call that succeeded: {@code response} is JSON already. */
  static String succeeded(String response) {
    return new JsonWriter()
        .beginObject()
        .name("ok")
        .value(true)
        .name("response")
        .rawValue(response)
        .endObject()
        .toString();
  }

  /** {@code api/call}'s answer to a call that failed, or could not be made. */
  static String failed(Status status) {
    String message = status.description();
    return new JsonWriter()
        .beginObject()
        .name("ok")
        .value(false)
        .name("code")
        .value(status.code().name())
        .name("message")
        .value(message == null ? "" : message)
        .endObject()
        .toString();
  }

  /** An error of the API itself (an unknown path, a bad request). */
  static String problem(String message) {
    return new JsonWriter().beginObject().name("error").value(message).endObject().toString();
  }

  private static void method(JsonWriter json, String method, CallWindow.Snapshot snapshot) {
    json.beginObject();
    json.name("method").value(method);
    json.name("calls").value(snapshot.calls());
    json.name("callsPerSecond").value(snapshot.callsPerSecond());
    json.name("errors").value(snapshot.errors());
    json.name("errorRatio").value(snapshot.errorRatio());
    json.name("p50Millis").value(snapshot.p50Millis());
    json.name("p99Millis").value(snapshot.p99Millis());
    json.name("statuses").beginObject();
    snapshot.statuses().forEach((code, count) -> json.name(code.name()).value(count));
    json.endObject().endObject();
  }

  private static void ended(JsonWriter json, List<RecentCalls.Ended> calls, long now) {
    json.beginArray();
    for (RecentCalls.Ended call : calls) {
      json.beginObject();
      json.name("method").value(call.method());
      json.name("status").value(call.status());
      json.name("message").value(call.message());
      json.name("durationMillis").value(call.durationMillis());
      json.name("peer").value(call.peer());
      json.name("traceId");
      String traceId = call.traceId();
      if (traceId == null) {
        json.nullValue();
      } else {
        json.value(traceId);
      }
      json.name("agoMillis").value(now - call.endedAtMillis());
      json.endObject();
    }
    json.endArray();
  }

  private static void connections(
      JsonWriter json, List<Map.Entry<EventListener.Connection, Long>> open, long now) {
    json.name("connections").beginObject().name("open").value(open.size());
    json.name("oldest").beginArray();
    for (Map.Entry<EventListener.Connection, Long> entry : head(open)) {
      EventListener.Connection connection = entry.getKey();
      json.beginObject();
      json.name("remote").value(String.valueOf(connection.remoteAddress()));
      json.name("local").value(String.valueOf(connection.localAddress()));
      json.name("httpVersion").value(connection.httpVersion());
      json.name("tls")
          .value(
              connection
                  .tls()
                  .map(tls -> tls.protocol() + " " + tls.cipherSuite())
                  .orElse("plaintext"));
      json.name("ageMillis").value(now - entry.getValue());
      json.endObject();
    }
    json.endArray().endObject();
  }

  private static void openCalls(JsonWriter json, List<DebugPage.OpenCall> open, long now) {
    json.name("calls").beginObject().name("open").value(open.size());
    json.name("oldest").beginArray();
    for (DebugPage.OpenCall call : head(open)) {
      json.beginObject();
      json.name("method").value(call.method());
      json.name("peer").value(call.peer());
      json.name("ageMillis").value(now - call.startedAtMillis());
      json.endObject();
    }
    json.endArray().endObject();
  }

  private static <T> List<T> head(List<T> items) {
    return items.subList(0, Math.min(items.size(), DebugHandler.MAX_LISTED));
  }
}
