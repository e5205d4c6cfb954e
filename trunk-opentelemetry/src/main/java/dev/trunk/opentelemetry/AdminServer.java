package dev.trunk.opentelemetry;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.OpenTelemetry;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jspecify.annotations.Nullable;

/**
 * An HTTP server for operators, on its own port: {@code GET /metrics} answers a Prometheus scrape
 * with the metrics recorded on {@link #openTelemetry()}; with {@link Builder#debugPage}, {@code
 * /debug} shows a {@link DebugPage}. Off unless started; it listens on the loopback address unless
 * told otherwise, since what it shows (method names, traffic) is not for everyone who can reach the
 * service's port.
 *
 * <pre>{@code
 * AdminServer admin = AdminServer.builder().port(9464).start();
 * TrunkTelemetry telemetry = TrunkTelemetry.create(admin.openTelemetry());
 * Server server = Server.builder().port(8080).service(new MyService())
 *     .eventListener(telemetry.serverListener()).build().start();
 * }</pre>
 *
 * <p>Needs {@code io.opentelemetry:opentelemetry-sdk} and {@code
 * io.opentelemetry:opentelemetry-exporter-prometheus} on the class path (optional dependencies of
 * this module); {@link Builder#start()} says so if they are missing.
 */
public final class AdminServer implements AutoCloseable {
  /** The port without {@link Builder#port}: the OpenTelemetry Prometheus exporter's default. */
  public static final int DEFAULT_PORT = 9464;

  /** The address listened on without {@link Builder#host}: this machine only. */
  public static final String DEFAULT_HOST = "127.0.0.1";

  /** Where Prometheus scrapes (its default {@code metrics_path}). */
  public static final String METRICS_PATH = "/metrics";

  /** Classes of the optional dependencies the admin server needs, checked at start. */
  static final List<String> SDK_CLASSES =
      List.of(
          "io.opentelemetry.sdk.OpenTelemetrySdk",
          "io.opentelemetry.exporter.prometheus.PrometheusMetricReader",
          "io.prometheus.metrics.exporter.httpserver.MetricsHandler");

  /** Seconds {@link #close} lets a scrape in progress finish. */
  private static final int STOP_DELAY_SECONDS = 1;

  private final HttpServer http;
  private final ExecutorService executor;
  private final PrometheusMetrics metrics;

  private AdminServer(HttpServer http, ExecutorService executor, PrometheusMetrics metrics) {
    this.http = http;
    this.executor = executor;
    this.metrics = metrics;
  }

  /** A builder: {@link #DEFAULT_PORT} on {@link #DEFAULT_HOST} unless set. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The OpenTelemetry whose meter provider {@code /metrics} serves: give it to {@link
   * TrunkTelemetry#create} and to any other instrumentation (JVM runtime metrics, your own).
   */
  public OpenTelemetry openTelemetry() {
    return metrics.openTelemetry();
  }

  /** The port listened on (the one picked, if 0 was asked for). */
  public int port() {
    return http.getAddress().getPort();
  }

  /** Stops listening and shuts the meter provider down. */
  @Override
  public void close() {
    http.stop(STOP_DELAY_SECONDS);
    executor.shutdownNow();
    metrics.close();
  }

  /** Throws, naming the missing artifacts, unless every class of {@code classNames} loads. */
  static void requireClasses(List<String> classNames) {
    for (String name : classNames) {
      try {
        Class.forName(name, false, AdminServer.class.getClassLoader());
      } catch (ClassNotFoundException | LinkageError e) {
        throw new IllegalStateException(
            "The admin server needs the OpenTelemetry SDK and its Prometheus exporter, but "
                + name
                + " is missing: add io.opentelemetry:opentelemetry-sdk and"
                + " io.opentelemetry:opentelemetry-exporter-prometheus to use the admin server",
            e);
      }
    }
  }

  /** Where the admin server listens. */
  public static final class Builder {
    private int port = DEFAULT_PORT;
    private String host = DEFAULT_HOST;
    private @Nullable DebugPage debugPage;

    private Builder() {}

    /** The port to listen on; 0 picks a free one (see {@link AdminServer#port()}). */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("admin port " + port + " is not in 0..65535");
      }
      this.port = port;
      return this;
    }

    /**
     * The address to listen on, such as {@code 0.0.0.0} for every interface where Prometheus
     * scrapes from another machine. Default {@link #DEFAULT_HOST}.
     */
    public Builder host(String host) {
      this.host = host;
      return this;
    }

    /**
     * Also serves {@code page} at {@code /debug}. Its form calls the server's methods, so the admin
     * port must then stay on the loopback address or behind access control.
     */
    public Builder debugPage(DebugPage page) {
      this.debugPage = requireNonNull(page, "page");
      return this;
    }

    /**
     * Starts listening.
     *
     * @throws IllegalStateException if the OpenTelemetry SDK or its Prometheus exporter is missing
     * @throws BindException if the port is in use (the message names it)
     * @throws IOException if the server cannot start otherwise
     */
    public AdminServer start() throws IOException {
      requireClasses(SDK_CLASSES);
      InetSocketAddress address = new InetSocketAddress(host, port);
      HttpServer http = bind(address);
      PrometheusMetrics metrics = new PrometheusMetrics();
      Map<String, HttpHandler> routes = new HashMap<>(Map.of(METRICS_PATH, metrics.handler()));
      if (debugPage != null) {
        routes.put(DebugHandler.PATH, new DebugHandler(debugPage));
      }
      routes.forEach(http::createContext);
      ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
      http.setExecutor(executor);
      http.start();
      return new AdminServer(http, executor, metrics);
    }

    private static HttpServer bind(InetSocketAddress address) throws IOException {
      try {
        return HttpServer.create(address, 0);
      } catch (BindException e) {
        BindException named =
            new BindException(
                "The admin server cannot listen on "
                    + address.getHostString()
                    + ":"
                    + address.getPort()
                    + " ("
                    + e.getMessage()
                    + "): is another process using port "
                    + address.getPort()
                    + "? Pick another admin port");
        named.initCause(e);
        throw named;
      }
    }
  }
}
