package dev.trunk.internal.netty;

import dev.trunk.Metadata;
import dev.trunk.Status;
import dev.trunk.internal.Log;
import dev.trunk.internal.server.MethodRegistry;
import dev.trunk.internal.web.StaticFiles;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Serves the files of a {@link StaticFiles} directory to GET and HEAD requests, without a call: 200
 * with the file, 404 if there is none, 400 for a malformed path (RFC 9110 section 15). Files are
 * read on a virtual thread, never on the event loop.
 */
final class StaticFileProtocol extends WireProtocol {
  private static final Log log = Log.of(StaticFileProtocol.class);

  /**
   * Largest file served: files are sent from memory in one piece, so this bounds what one request
   * holds. RFC 9110 leaves limits to servers; larger files get 500 with a message saying so.
   */
  static final long MAX_FILE_BYTES = 16L * 1024 * 1024;

  private static final String GET = "GET";
  private static final String HEAD = "HEAD";

  /**
   * The query parameter every Connect GET has (connectrpc.com/docs/protocol, Unary-Get-Request).
   */
  private static final String CONNECT_MESSAGE_PARAMETER = "message";

  private final StaticFiles files;

  private StaticFileProtocol(StaticFiles files) {
    this.files = files;
  }

  /**
   * The protocol for a request to one of {@code mounts}: a GET or HEAD whose path is under a
   * mount's prefix and that is not a Connect GET (no {@code message} query parameter); null
   * otherwise.
   */
  static @Nullable StaticFileProtocol forRequest(Http2Headers request, List<StaticFiles> mounts) {
    CharSequence method = request.method();
    CharSequence target = request.path();
    if (mounts.isEmpty() || method == null || target == null) {
      return null;
    }
    if (!GET.contentEquals(method) && !HEAD.contentEquals(method)) {
      return null;
    }
    String pathAndQuery = target.toString();
    int question = pathAndQuery.indexOf('?');
    String path = question < 0 ? pathAndQuery : pathAndQuery.substring(0, question);
    if (question >= 0 && isConnectQuery(pathAndQuery.substring(question + 1))) {
      return null;
    }
    for (StaticFiles mount : mounts) {
      if (mount.covers(path)) {
        return new StaticFileProtocol(mount);
      }
    }
    return null;
  }

  private static boolean isConnectQuery(String query) {
    for (String parameter : query.split("&", -1)) {
      int equals = parameter.indexOf('=');
      String name = equals < 0 ? parameter : parameter.substring(0, equals);
      if (name.equals(CONNECT_MESSAGE_PARAMETER)) {
        return true;
      }
    }
    return false;
  }

  @Override
  boolean answer(ServerExchange exchange, Http2Headers request) {
    String target = String.valueOf(request.path());
    int question = target.indexOf('?');
    String path = question < 0 ? target : target.substring(0, question);
    boolean head = HEAD.contentEquals(String.valueOf(request.method()));
    Thread.ofVirtual().name("trunk-static-file").start(() -> respond(exchange, path, head));
    return true;
  }

  /** Virtual thread: reads the file, then writes the response on the event loop. */
  private void respond(ServerExchange exchange, String path, boolean head) {
    Path file;
    byte[] body;
    try {
      file = files.resolve(path);
      if (file == null) {
        exchange.runOnEventLoop(() -> reject(exchange, notFound(path)));
        return;
      }
      long size = Files.size(file);
      if (size > MAX_FILE_BYTES) {
        exchange.runOnEventLoop(() -> reject(exchange, tooLarge(path, size)));
        return;
      }
      body = head ? new byte[0] : Files.readAllBytes(file);
      String type = StaticFiles.contentType(file);
      exchange.runOnEventLoop(() -> writeFile(exchange, type, size, body, head));
    } catch (IllegalArgumentException e) {
      exchange.runOnEventLoop(
          () ->
              reject(
                  exchange,
                  new Rejection(400, Status.INVALID_ARGUMENT.withDescription(e.getMessage()))));
    } catch (IOException e) {
      log.debug("static file for {} could not be read", path, e);
      exchange.runOnEventLoop(() -> reject(exchange, notFound(path)));
    }
  }

  private static Rejection notFound(String path) {
    return new Rejection(404, Status.NOT_FOUND.withDescription("no file at '" + path + "'"));
  }

  private static Rejection tooLarge(String path, long size) {
    return new Rejection(
        500,
        Status.RESOURCE_EXHAUSTED.withDescription(
            "the file at '"
                + path
                + "' has "
                + size
                + " bytes; static files are served up to "
                + MAX_FILE_BYTES
                + " bytes"));
  }

  private static void writeFile(
      ServerExchange exchange, String type, long size, byte[] body, boolean head) {
    if (!exchange.isOpen()) {
      return;
    }
    Http2Headers headers =
        GrpcHeaders.newHeaders()
            .status("200")
            .set(GrpcHeaders.CONTENT_TYPE, type)
            .setLong("content-length", size)
            .set("x-content-type-options", "nosniff");
    if (head) {
      exchange.writeHead(headers, true);
      return;
    }
    exchange.writeHead(headers, false);
    exchange.writeBody(Unpooled.wrappedBuffer(body), true, null);
  }

  /** Answers with the HTTP status and the description as plain text. */
  @Override
  void reject(ServerExchange exchange, Rejection rejection) {
    if (!exchange.isOpen()) {
      return;
    }
    byte[] text =
        (String.valueOf(rejection.status().description()) + "\n").getBytes(StandardCharsets.UTF_8);
    exchange.writeHead(
        GrpcHeaders.newHeaders()
            .status(String.valueOf(rejection.httpStatus()))
            .set(GrpcHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
            .setInt("content-length", text.length),
        false);
    exchange.writeBody(Unpooled.wrappedBuffer(text), true, null);
  }

  /** Never called: {@link #answer} answers every request this protocol is chosen for. */
  @Override
  Accepted accept(Http2Headers request, MethodRegistry registry, boolean http2) {
    throw new IllegalStateException("static files start no call");
  }

  /** Never called: no call writes through this protocol. */
  @Override
  void write(
      ServerExchange exchange,
      @Nullable Metadata headers,
      @Nullable String encoding,
      @Nullable ByteBuf messages,
      @Nullable Runnable onWritten,
      @Nullable Status status,
      @Nullable Metadata trailers) {
    throw new IllegalStateException("static files start no call");
  }
}
