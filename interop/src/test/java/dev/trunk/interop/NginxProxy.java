package dev.trunk.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * nginx in front of one interop server, in one of two roles: a gRPC reverse proxy ({@link #start}:
 * cleartext HTTP/2 with prior knowledge on 127.0.0.1 in, {@code grpc_pass grpc://} to the server
 * out), or a caching HTTP reverse proxy ({@link #caching}: HTTP/1.1 and cleartext HTTP/2 in, {@code
 * proxy_pass} over HTTP/1.1 out, {@code proxy_cache} for GET) for Connect GET requests. Everything
 * nginx writes lives in its own directory under the work directory; it runs in the foreground as
 * one process ({@code daemon off}, {@code master_process off}), a child of the test JVM like every
 * other program here.
 *
 * <p>Plaintext only, both hops: the nginx path tests what a proxy changes on the way (HTTP/2
 * re-framing, flow control, header and trailer forwarding, resets, large bodies), while TLS is
 * covered by the direct {@code tls} path of every case.
 */
final class NginxProxy implements AutoCloseable {
  /** The system property naming the nginx binary; default: nginx on the PATH or /usr/sbin. */
  static final String BINARY_PROPERTY = "interop.nginx";

  /** Why cacheable_unary means nothing through nginx's gRPC proxy. */
  static final String NO_CACHE =
      "nginx's gRPC proxy (grpc_pass) has no response cache: proxy_cache belongs to proxy_pass"
          + " (HTTP/1.x upstreams), and ngx_http_grpc_module has no cache directives, so the"
          + " caching proxy this case needs cannot be this gRPC path. nginx does cache the case's"
          + " Connect GET requests on the 'nginx cache' path (proxy_pass with proxy_cache).";

  /** Names the shared memory zone of the caching proxy's cache. */
  private static final String CACHE_ZONE = "interop_cache";

  /**
   * The cache zone's key memory: about 8000 keys per MiB (ngx_http_proxy_module, proxy_cache_path
   * keys_zone), far more than the few GETs a test run makes.
   */
  private static final String CACHE_KEYS_SIZE = "1m";

  /** The most the cached responses may take on disk (proxy_cache_path max_size). */
  private static final String CACHE_MAX_SIZE = "16m";

  private final ChildProcess process;
  private final int port;
  private final int http2Port;
  private final int upstreamPort;

  private NginxProxy(ChildProcess process, int port, int http2Port, int upstreamPort) {
    this.process = process;
    this.port = port;
    this.http2Port = http2Port;
    this.upstreamPort = upstreamPort;
  }

  /** The port nginx listens on at 127.0.0.1 (HTTP/2 for the gRPC proxy, HTTP/1.1 for the cache). */
  int port() {
    return port;
  }

  /** The port nginx speaks cleartext HTTP/2 (prior knowledge) on at 127.0.0.1. */
  int http2Port() {
    return http2Port;
  }

  /** The port of the server nginx forwards to. */
  int upstreamPort() {
    return upstreamPort;
  }

  ChildProcess process() {
    return process;
  }

  /** How one kind of proxy writes its {@code http} block's own directives and its server block. */
  @FunctionalInterface
  private interface Config {
    String lines(Path prefix, int port, int http2Port);
  }

  /**
   * Starts nginx as a gRPC proxy forwarding to 127.0.0.1:{@code upstreamPort}. The listening port
   * is picked before nginx binds it, so a start that loses the port to another process is retried.
   */
  static NginxProxy start(String name, int upstreamPort) {
    return launch(name, upstreamPort, false, NginxProxy::grpcProxy);
  }

  /**
   * Starts nginx as a caching HTTP reverse proxy forwarding to 127.0.0.1:{@code upstreamPort} over
   * HTTP/1.1: it listens with HTTP/1.1 on {@link #port()} and with cleartext HTTP/2 on {@link
   * #http2Port()}, caches GET responses for as long as the server's Cache-Control allows, and tells
   * HIT or MISS in an {@code X-Cache-Status} response header.
   */
  static NginxProxy caching(String name, int upstreamPort) {
    return launch(name, upstreamPort, true, NginxProxy::cachingProxy);
  }

  private static NginxProxy launch(String name, int upstreamPort, boolean twoPorts, Config config) {
    Path nginx = binary();
    AssertionError failure = null;
    for (int attempt = 1; attempt <= 3; attempt++) {
      int port = InteropEnv.freePort();
      int http2Port = twoPorts ? InteropEnv.freePort() : port;
      Path prefix = InteropEnv.workDir().resolve(name);
      Path conf = writeConfig(prefix, upstreamPort, config.lines(prefix, port, http2Port));
      ChildProcess process =
          ChildProcess.start(
              name + "-" + attempt,
              List.of(
                  nginx.toString(),
                  "-p",
                  prefix.toString(),
                  "-c",
                  conf.toString(),
                  "-e",
                  "stderr"));
      try {
        process.awaitPort(port, InteropEnv.SERVER_START_TIMEOUT);
        process.awaitPort(http2Port, InteropEnv.SERVER_START_TIMEOUT);
        return new NginxProxy(process, port, http2Port, upstreamPort);
      } catch (AssertionError e) {
        process.close();
        if (!process.output().contains("Address already in use")) {
          throw e;
        }
        failure = e;
      }
    }
    throw failure;
  }

  /** The gRPC proxy: one HTTP/2 listener, {@code grpc_pass}, unlimited request bodies. */
  private static String grpcProxy(Path prefix, int port, int http2Port) {
    return String.join(
        "\n",
        "  server {",
        "    listen 127.0.0.1:" + port + " http2;",
        // very_large_request sends 10 MiB; nginx's default limit is 1 MiB.
        "    client_max_body_size 0;",
        "    grpc_read_timeout 120s;",
        "    grpc_send_timeout 120s;",
        "    location / {",
        "      grpc_pass grpc://interop_server;",
        "    }",
        "  }");
  }

  /**
   * The caching proxy. nginx 1.22 cannot serve HTTP/1.1 and cleartext HTTP/2 on one port (the
   * {@code http2} directive that can came in 1.25.1), so the one server block has one listener of
   * each. No {@code proxy_cache_valid}: nginx then caches exactly what the upstream's Cache-Control
   * (or Expires) allows, so a cache hit shows that the server's headers make the response
   * cacheable. {@code proxy_cache_methods GET} (nginx always adds HEAD) leaves every POST uncached.
   * The key is nginx's default, written out: scheme, upstream and the request URI with its query,
   * which is where a Connect GET carries its message.
   */
  private static String cachingProxy(Path prefix, int port, int http2Port) {
    return String.join(
        "\n",
        "  proxy_cache_path "
            + prefix.resolve("cache")
            + " levels=1:2 keys_zone="
            + CACHE_ZONE
            + ":"
            + CACHE_KEYS_SIZE
            + " max_size="
            + CACHE_MAX_SIZE
            + ";",
        // The access log shows each request's cache status (HIT, MISS; "-" when not cached).
        "  log_format with_cache '$remote_addr [$time_local] \"$request\" $status"
            + " $body_bytes_sent \"$http_user_agent\" cache=$upstream_cache_status';",
        "  server {",
        "    listen 127.0.0.1:" + port + ";",
        "    listen 127.0.0.1:" + http2Port + " http2;",
        "    access_log " + prefix.resolve("access.log") + " with_cache;",
        "    client_max_body_size 0;",
        "    location / {",
        "      proxy_pass http://interop_server;",
        // Keep-alive to the upstream needs HTTP/1.1 and no "Connection: close" from nginx.
        "      proxy_http_version 1.1;",
        "      proxy_set_header Connection \"\";",
        "      proxy_read_timeout 120s;",
        "      proxy_send_timeout 120s;",
        "      proxy_cache " + CACHE_ZONE + ";",
        "      proxy_cache_methods GET;",
        "      proxy_cache_key $scheme$proxy_host$request_uri;",
        "      add_header X-Cache-Status $upstream_cache_status always;",
        "    }",
        "  }");
  }

  /** The configuration: nginx in the foreground, one upstream, and the proxy's own lines. */
  private static Path writeConfig(Path prefix, int upstreamPort, String proxyLines) {
    String dir = prefix.toString();
    String config =
        String.join(
            "\n",
            "# Written by NginxProxy (interop tests): nginx -p " + dir + " -c nginx.conf -e stderr",
            "daemon off;",
            "master_process off;",
            "worker_processes 1;",
            "pid " + dir + "/nginx.pid;",
            "error_log stderr warn;",
            "events { worker_connections 512; }",
            "http {",
            "  access_log " + dir + "/access.log;",
            "  client_body_temp_path " + dir + "/client_body;",
            "  proxy_temp_path " + dir + "/proxy;",
            "  fastcgi_temp_path " + dir + "/fastcgi;",
            "  uwsgi_temp_path " + dir + "/uwsgi;",
            "  scgi_temp_path " + dir + "/scgi;",
            "  upstream interop_server {",
            "    server 127.0.0.1:" + upstreamPort + ";",
            "    keepalive 16;",
            "  }",
            proxyLines,
            "}",
            "");
    try {
      Files.createDirectories(prefix);
      Files.deleteIfExists(prefix.resolve("access.log"));
      Path conf = prefix.resolve("nginx.conf");
      Files.writeString(conf, config);
      return conf;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the nginx configuration in " + prefix, e);
    }
  }

  /** The nginx binary, or an error that says how to install it. */
  static Path binary() {
    Path found = find();
    if (found == null) {
      throw new IllegalStateException(
          "nginx is not installed, and the interop matrix's nginx path needs it: run"
              + " 'apt-get install -y --no-install-recommends nginx' (interop/matrix.sh does), or"
              + " name the binary with -D"
              + BINARY_PROPERTY
              + "=/path/to/nginx");
    }
    return found;
  }

  private static @Nullable Path find() {
    String configured = System.getProperty(BINARY_PROPERTY, "");
    if (!configured.isBlank()) {
      Path path = Path.of(configured);
      return Files.isExecutable(path) ? path : null;
    }
    String pathEnv = System.getenv().getOrDefault("PATH", "");
    return Stream.concat(
            Stream.of(pathEnv.split(java.io.File.pathSeparator)),
            Stream.of("/usr/sbin", "/usr/local/sbin", "/usr/local/nginx/sbin"))
        .filter(dir -> !dir.isEmpty())
        .map(dir -> Path.of(dir, "nginx"))
        .filter(Files::isExecutable)
        .findFirst()
        .orElse(null);
  }

  @Override
  public void close() {
    process.close();
  }
}
