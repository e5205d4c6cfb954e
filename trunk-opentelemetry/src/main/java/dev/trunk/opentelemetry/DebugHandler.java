package dev.trunk.opentelemetry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.trunk.Channel;
import dev.trunk.Status;
import dev.trunk.StatusException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Serves a {@link DebugPage} under {@link #PATH}: the page and its script and style, and the JSON
 * the page polls ({@code api/stats}), its method list ({@code api/methods}) and the form's calls
 * ({@code POST api/call?method=pkg.Service/Method} with the JSON request as body).
 */
final class DebugHandler implements HttpHandler {
  /** Where the page is served. */
  static final String PATH = "/debug";

  /** Connections and open calls listed at most (the oldest); the totals count all of them. */
  static final int MAX_LISTED = 100;

  /** Largest JSON request the form may send: far above what a person types. */
  static final int MAX_REQUEST_BYTES = 1024 * 1024;

  /**
   * Only this page's own files and requests (CSP level 3): no inline script, so text that a client
   * put into a method name or status message cannot run even if it were rendered as HTML.
   */
  private static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; frame-ancestors 'none'";

  private static final String JSON = "application/json; charset=utf-8";

  /** The page's static files: path under {@link #PATH}, resource name, content type. */
  private static final Map<String, List<String>> FILES =
      Map.of(
          "",
          List.of("debug.html", "text/html; charset=utf-8"),
          "/",
          List.of("debug.html", "text/html; charset=utf-8"),
          "/debug.js",
          List.of("debug.js", "text/javascript; charset=utf-8"),
          "/debug.css",
          List.of("debug.css", "text/css; charset=utf-8"));

  private final DebugPage page;

  DebugHandler(DebugPage page) {
    this.page = page;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String route = exchange.getRequestURI().getPath().substring(PATH.length());
      String method = exchange.getRequestMethod();
      List<String> file = FILES.get(route);
      if (file != null && method.equals("GET")) {
        send(exchange, 200, file.get(1), resource(file.get(0)));
      } else if (route.equals("/api/stats") && method.equals("GET")) {
        sendJson(exchange, 200, DebugJson.stats(page));
      } else if (route.equals("/api/methods") && method.equals("GET")) {
        sendJson(exchange, 200, methods());
      } else if (route.equals("/api/call") && method.equals("POST")) {
        call(exchange);
      } else {
        sendJson(exchange, 404, DebugJson.problem("no such page: " + method + " " + PATH + route));
      }
    }
  }

  private String methods() {
    Optional<Channel> channel = page.channel();
    if (channel.isEmpty()) {
      return DebugJson.noForm(
          "the form is off: no channel to the server (give one to DebugPage.callThrough)");
    }
    try {
      return DebugJson.methods(JsonCalls.unaryMethods(channel.get()));
    } catch (StatusException e) {
      return DebugJson.noForm(reflectionProblem(e.status()));
    }
  }

  private static String reflectionProblem(Status status) {
    if (status.code() == Status.Code.UNIMPLEMENTED) {
      return "the form is off: the server does not serve reflection (build it with"
          + " Server.Builder.reflection())";
    }
    return "the form is off: reflection failed: " + status.code() + ": " + status.description();
  }

  /**
   * The form's call. Only a same-origin page's {@code fetch} can send it: a JSON content type makes
   * a browser ask another origin's page for permission first (CORS preflight), which this server
   * never grants, and an {@code Origin} other than this server's is refused outright.
   */
  private void call(HttpExchange exchange) throws IOException {
    String type = exchange.getRequestHeaders().getFirst("Content-Type");
    if (type == null || !type.startsWith("application/json")) {
      sendJson(exchange, 415, DebugJson.problem("send the request as application/json"));
      return;
    }
    String origin = exchange.getRequestHeaders().getFirst("Origin");
    String host = exchange.getRequestHeaders().getFirst("Host");
    if (origin != null && !origin.equals("http://" + host)) {
      sendJson(
          exchange, 403, DebugJson.problem("calls come from the debug page's own origin only"));
      return;
    }
    byte[] body = exchange.getRequestBody().readNBytes(MAX_REQUEST_BYTES + 1);
    if (body.length > MAX_REQUEST_BYTES) {
      sendJson(
          exchange, 413, DebugJson.problem("the request is over " + MAX_REQUEST_BYTES + " bytes"));
      return;
    }
    sendJson(
        exchange, 200, result(query(exchange, "method"), new String(body, StandardCharsets.UTF_8)));
  }

  private String result(String method, String json) {
    Optional<Channel> channel = page.channel();
    if (channel.isEmpty()) {
      return DebugJson.failed(
          Status.FAILED_PRECONDITION.withDescription(
              "no channel to the server (give one to DebugPage.callThrough)"));
    }
    try {
      return DebugJson.succeeded(JsonCalls.call(channel.get(), method, json));
    } catch (StatusException e) {
      return DebugJson.failed(e.status());
    }
  }

  /** The first value of {@code name} in the query string, empty if absent. */
  private static String query(HttpExchange exchange, String name) {
    String query = exchange.getRequestURI().getRawQuery();
    if (query == null) {
      return "";
    }
    for (String pair : query.split("&")) {
      int equals = pair.indexOf('=');
      if (equals > 0 && pair.substring(0, equals).equals(name)) {
        return URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
      }
    }
    return "";
  }

  private static void sendJson(HttpExchange exchange, int code, String json) throws IOException {
    send(exchange, code, JSON, json.getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange exchange, int code, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.getResponseHeaders().set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(code, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static byte[] resource(String name) {
    try (InputStream in = DebugHandler.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("the debug page's " + name + " is missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
