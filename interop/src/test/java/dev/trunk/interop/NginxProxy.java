package dev.trunk.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * nginx as a gRPC reverse proxy in front of one interop server: cleartext HTTP/2 (prior knowledge)
 * on 127.0.0.1 in, {@code grpc_pass grpc://} to the server out. Everything nginx writes lives in
 * its own directory under the work directory; it runs in the foreground as one process ({@code
 * daemon off}, {@code master_process off}), a child of the test JVM like every other program here.
 *
 * <p>Plaintext only, both hops: the nginx path tests what a proxy changes on the way (HTTP/2
 * re-framing, flow control, header and trailer forwarding, resets, large bodies), while TLS is
 * covered by the direct {@code tls} path of every case.
 */
final class NginxProxy implements AutoCloseable {
  /** The system property naming the nginx binary; default: nginx on the PATH or /usr/sbin. */
  static final String BINARY_PROPERTY = "interop.nginx";

  /** Why cacheable_unary means nothing through nginx. */
  static final String NO_CACHE =
      "nginx's gRPC proxy (grpc_pass) has no response cache: proxy_cache belongs to proxy_pass"
          + " (HTTP/1.x upstreams), and ngx_http_grpc_module has no cache directives, so the"
          + " caching proxy this case needs cannot be nginx.";

  private final ChildProcess process;
  private final int port;
  private final int upstreamPort;

  private NginxProxy(ChildProcess process, int port, int upstreamPort) {
    this.process = process;
    this.port = port;
    this.upstreamPort = upstreamPort;
  }

  /** The port nginx listens on at 127.0.0.1. */
  int port() {
    return port;
  }

  /** The port of the server nginx forwards to. */
  int upstreamPort() {
    return upstreamPort;
  }

  ChildProcess process() {
    return process;
  }

  /**
   * Starts nginx forwarding to 127.0.0.1:{@code upstreamPort}. The listening port is picked before
   * nginx binds it, so a start that loses the port to another process is retried.
   */
  static NginxProxy start(String name, int upstreamPort) {
    Path nginx = binary();
    AssertionError failure = null;
    for (int attempt = 1; attempt <= 3; attempt++) {
      int port = InteropEnv.freePort();
      Path prefix = InteropEnv.workDir().resolve(name);
      Path conf = writeConfig(prefix, port, upstreamPort);
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
        return new NginxProxy(process, port, upstreamPort);
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

  /** The configuration: one upstream, one HTTP/2 listener, unlimited request bodies. */
  private static Path writeConfig(Path prefix, int port, int upstreamPort) {
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
            "  server {",
            "    listen 127.0.0.1:" + port + " http2;",
            // very_large_request sends 10 MiB; nginx's default limit is 1 MiB.
            "    client_max_body_size 0;",
            "    grpc_read_timeout 120s;",
            "    grpc_send_timeout 120s;",
            "    location / {",
            "      grpc_pass grpc://interop_server;",
            "    }",
            "  }",
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
