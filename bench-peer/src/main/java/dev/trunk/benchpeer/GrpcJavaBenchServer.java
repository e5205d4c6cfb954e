package dev.trunk.benchpeer;

import io.grpc.Server;
import io.grpc.benchmarks.qps.AsyncServer;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * grpc-java's benchmark server ({@link AsyncServer.BenchmarkServiceImpl}) on 127.0.0.1 only.
 *
 * <p>grpc-java's own {@code AsyncServer} main binds every interface; this one builds the same
 * server (a one-thread boss group, a default-sized worker group, grpc-java's default flow-control
 * window, and the application executor AsyncServer uses: a work-stealing ForkJoinPool of one thread
 * per core in async mode, or the transport thread with {@code --directexecutor=true}) but listens
 * on the loopback address alone.
 *
 * <pre>
 * java -cp 'bench-peer/target/lib/*' dev.trunk.benchpeer.GrpcJavaBenchServer --port=0 \
 *     [--directexecutor=true] [--transport=nio|epoll] [--telemetry=off|on|metrics] [--sampling=R]
 *     [--baseline-port=N]
 * </pre>
 *
 * <p>{@code --telemetry=on} installs grpc-java's own OpenTelemetry metrics and tracing ({@link
 * PeerTelemetry}, spans sampled at ratio {@code --sampling}, default 1.0), {@code metrics} its
 * metrics alone, as Trunk's bench server takes the same flags. {@code --baseline-port} also serves,
 * on the same event loops and executor, a second server without telemetry on that port, as Trunk's
 * bench server does: {@code bench/telemetry-cost.sh} compares the two within one JVM.
 *
 * <p>Prints {@code LISTENING <port> <pid>} once it serves, and stops on SIGTERM or when its
 * standard input closes (so an orchestrator that dies never leaves it behind).
 */
public final class GrpcJavaBenchServer {
  private GrpcJavaBenchServer() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> flags = parse(args);
    int port = Integer.parseInt(flags.getOrDefault("port", "0"));
    boolean direct = Boolean.parseBoolean(flags.getOrDefault("directexecutor", "false"));
    String transport = flags.getOrDefault("transport", "nio");
    String telemetry = flags.getOrDefault("telemetry", "off");
    double sampling = Double.parseDouble(flags.getOrDefault("sampling", "1.0"));
    int baselinePort = Integer.parseInt(flags.getOrDefault("baseline-port", "0"));

    ThreadFactory threads = new DefaultThreadFactory("server-elg-", true);
    EventLoopGroup boss;
    EventLoopGroup worker;
    Class<? extends ServerChannel> channelType;
    switch (transport) {
      case "nio" -> {
        boss = new NioEventLoopGroup(1, threads);
        worker = new NioEventLoopGroup(0, threads);
        channelType = NioServerSocketChannel.class;
      }
      case "epoll" -> {
        boss = new EpollEventLoopGroup(1, threads);
        worker = new EpollEventLoopGroup(0, threads);
        channelType = EpollServerSocketChannel.class;
      }
      default -> throw new IllegalArgumentException("--transport must be nio or epoll");
    }

    ForkJoinPool pool =
        direct
            ? null
            : new ForkJoinPool(
                Runtime.getRuntime().availableProcessors(),
                ForkJoinPool.defaultForkJoinWorkerThreadFactory,
                (thread, error) -> {
                  error.printStackTrace();
                  System.exit(1);
                },
                true);
    AsyncServer.BenchmarkServiceImpl service = new AsyncServer.BenchmarkServiceImpl();
    NettyServerBuilder builder = builder(port, boss, worker, channelType, pool, service);
    switch (telemetry) {
      case "off" -> {}
      case "on" -> PeerTelemetry.install(builder, true, sampling);
      case "metrics" -> PeerTelemetry.install(builder, false, sampling);
      default -> throw new IllegalArgumentException("--telemetry must be off, on or metrics");
    }
    AsyncServer.BenchmarkServiceImpl baselineService = null;
    Server baseline = null;
    if (baselinePort != 0) {
      baselineService = new AsyncServer.BenchmarkServiceImpl();
      baseline = builder(baselinePort, boss, worker, channelType, pool, baselineService).build();
      baseline.start();
    }
    Server server = builder.build().start();
    System.out.println("LISTENING " + server.getPort() + " " + ProcessHandle.current().pid());
    System.out.flush();

    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> stop(server, service), "bench-peer-shutdown"));
    Thread stdinWatch =
        new Thread(
            () -> {
              try {
                while (System.in.read() >= 0) {
                  // Drain; the orchestrator never writes, it only closes.
                }
              } catch (java.io.IOException e) {
                // Treat as closed.
              }
              stop(server, service);
            },
            "bench-peer-stdin");
    stdinWatch.setDaemon(true);
    stdinWatch.start();
    server.awaitTermination();
    if (baseline != null) {
      stop(baseline, baselineService);
    }
    if (pool != null) {
      pool.shutdownNow();
    }
    boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    worker.shutdownGracefully(0, 0, TimeUnit.SECONDS);
  }

  private static NettyServerBuilder builder(
      int port,
      EventLoopGroup boss,
      EventLoopGroup worker,
      Class<? extends ServerChannel> channelType,
      ForkJoinPool pool, // null: handlers on the transport thread (--directexecutor)
      AsyncServer.BenchmarkServiceImpl service) {
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
            .bossEventLoopGroup(boss)
            .workerEventLoopGroup(worker)
            .channelType(channelType)
            .addService(service)
            .flowControlWindow(NettyChannelBuilder.DEFAULT_FLOW_CONTROL_WINDOW);
    return pool == null ? builder.directExecutor() : builder.executor(pool);
  }

  private static void stop(Server server, AsyncServer.BenchmarkServiceImpl service) {
    service.shutdown();
    server.shutdownNow();
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> flags = new HashMap<>();
    for (String arg : args) {
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument " + arg);
      }
      int eq = arg.indexOf('=');
      if (eq < 0) {
        flags.put(arg.substring(2), "true");
      } else {
        flags.put(arg.substring(2, eq), arg.substring(eq + 1));
      }
    }
    return flags;
  }
}
