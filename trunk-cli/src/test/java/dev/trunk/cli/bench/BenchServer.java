package dev.trunk.cli.bench;

import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.DynamicMessage;
import dev.trunk.Codec;
import dev.trunk.Server;
import dev.trunk.ServiceDefinition;
import dev.trunk.Status;
import dev.trunk.StatusException;
import dev.trunk.cli.Protoc;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Trunk server on 127.0.0.1 (port 0) with reflection, serving {@code trunk.bench.test.Bench} from
 * {@code bench/bench_test.proto}: it counts calls and request messages, and fails every {@code
 * failEvery}-th call with RESOURCE_EXHAUSTED (0: never).
 */
final class BenchServer implements AutoCloseable {
  static final String SERVICE = "trunk.bench.test.Bench";

  final FileDescriptor file;
  final ServiceDescriptor service;
  final AtomicLong calls = new AtomicLong();
  final AtomicLong requests = new AtomicLong();
  private final int failEvery;
  private final Server server;

  BenchServer(int failEvery) throws IOException {
    this.file = compile();
    this.service = file.findServiceByName("Bench");
    this.failEvery = failEvery;
    this.server =
        Server.builder().address("127.0.0.1", 0).reflection().service(definition()).build().start();
  }

  static FileDescriptor compile() {
    try {
      Path dir =
          Path.of(BenchServer.class.getResource("/bench/bench_test.proto").toURI()).getParent();
      FileDescriptorSet set = Protoc.compile(List.of(dir), List.of("bench_test.proto"));
      return FileDescriptor.buildFrom(set.getFile(0), new FileDescriptor[0]);
    } catch (URISyntaxException | DescriptorValidationException e) {
      throw new IllegalStateException(e);
    }
  }

  int port() {
    return server.port();
  }

  String target() {
    return "127.0.0.1:" + port();
  }

  /** The Trunk descriptor of the method {@code name}, with dynamic messages. */
  dev.trunk.MethodDescriptor<DynamicMessage, DynamicMessage> method(String name) {
    MethodDescriptor method = service.findMethodByName(name);
    dev.trunk.MethodDescriptor.Type type =
        method.isClientStreaming()
            ? (method.isServerStreaming()
                ? dev.trunk.MethodDescriptor.Type.BIDI_STREAMING
                : dev.trunk.MethodDescriptor.Type.CLIENT_STREAMING)
            : (method.isServerStreaming()
                ? dev.trunk.MethodDescriptor.Type.SERVER_STREAMING
                : dev.trunk.MethodDescriptor.Type.UNARY);
    return dev.trunk.MethodDescriptor.of(
        SERVICE,
        name,
        type,
        Codec.protobuf(DynamicMessage.getDefaultInstance(method.getInputType())),
        Codec.protobuf(DynamicMessage.getDefaultInstance(method.getOutputType())));
  }

  /** A Ping with {@code text} asking for {@code responses} stream responses. */
  DynamicMessage ping(String text, int responses) {
    Descriptor type = file.findMessageTypeByName("Ping");
    return DynamicMessage.newBuilder(type)
        .setField(type.findFieldByName("text"), text)
        .setField(type.findFieldByName("responses"), responses)
        .build();
  }

  private DynamicMessage pong(DynamicMessage ping) {
    Descriptor type = file.findMessageTypeByName("Pong");
    Object text = ping.getField(ping.getDescriptorForType().findFieldByName("text"));
    return DynamicMessage.newBuilder(type).setField(type.findFieldByName("text"), text).build();
  }

  private void count() {
    long n = calls.incrementAndGet();
    if (failEvery > 0 && n % failEvery == 0) {
      throw new StatusException(Status.RESOURCE_EXHAUSTED.withDescription("call " + n));
    }
  }

  private ServiceDefinition definition() {
    return ServiceDefinition.builder(SERVICE)
        .schema(file)
        .unary(
            method("Unary"),
            ping -> {
              requests.incrementAndGet();
              count();
              return pong(ping);
            })
        .serverStreaming(
            method("ServerStream"),
            (ping, responses) -> {
              requests.incrementAndGet();
              count();
              int n = (int) ping.getField(ping.getDescriptorForType().findFieldByName("responses"));
              for (int i = 0; i < n; i++) {
                responses.send(pong(ping));
              }
            })
        .clientStreaming(
            method("ClientStream"),
            pings -> {
              DynamicMessage last = null;
              for (DynamicMessage ping : pings) {
                requests.incrementAndGet();
                last = ping;
              }
              count();
              return pong(last == null ? ping("", 0) : last);
            })
        .bidiStreaming(
            method("Bidi"),
            (pings, pongs) -> {
              count();
              for (DynamicMessage ping : pings) {
                requests.incrementAndGet();
                pongs.send(pong(ping));
              }
            })
        .build();
  }

  @Override
  public void close() {
    server.close();
  }
}
