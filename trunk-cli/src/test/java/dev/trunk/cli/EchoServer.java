package dev.trunk.cli;

import com.google.rpc.BadRequest;
import dev.trunk.CallContext;
import dev.trunk.Codec;
import dev.trunk.MethodDescriptor;
import dev.trunk.Server;
import dev.trunk.ServiceDefinition;
import dev.trunk.Status;
import dev.trunk.StreamReceiver;
import dev.trunk.StreamSender;
import dev.trunk.TlsConfig;
import dev.trunk.cli.test.EchoProto;
import dev.trunk.cli.test.EchoReply;
import dev.trunk.cli.test.EchoRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A Trunk server on 127.0.0.1 with the test service {@code trunk.cli.test.Echo}, health on and
 * reflection on or off. Unary answers carry the request's {@code x-} headers; every call sends the
 * header {@code x-echo-header: yes} and the trailer {@code x-echo-trailer: done}.
 */
final class EchoServer implements AutoCloseable {
  private final Server server;

  private EchoServer(Server server) {
    this.server = server;
  }

  static EchoServer start(boolean reflection, @Nullable TlsConfig tls) throws IOException {
    Server.Builder builder = Server.builder().address("127.0.0.1", 0).service(echo());
    if (reflection) {
      builder.reflection();
    }
    if (tls != null) {
      builder.tls(tls);
    }
    return new EchoServer(builder.build().start());
  }

  String target() {
    return "127.0.0.1:" + server.port();
  }

  Server server() {
    return server;
  }

  @Override
  public void close() {
    server.shutdownNow();
  }

  private static ServiceDefinition echo() {
    return ServiceDefinition.builder("trunk.cli.test.Echo")
        .unary(method("Unary", MethodDescriptor.Type.UNARY), EchoServer::unary)
        .serverStreaming(
            method("Repeat", MethodDescriptor.Type.SERVER_STREAMING), EchoServer::repeat)
        .clientStreaming(
            method("Collect", MethodDescriptor.Type.CLIENT_STREAMING), EchoServer::collect)
        .bidiStreaming(method("Chat", MethodDescriptor.Type.BIDI_STREAMING), EchoServer::chat)
        .unary(method("Fail", MethodDescriptor.Type.UNARY), EchoServer::fail)
        .schema(EchoProto.getDescriptor())
        .build();
  }

  private static EchoReply unary(EchoRequest request) {
    CallContext call = markCall();
    EchoReply.Builder reply = EchoReply.newBuilder().setText(request.getText());
    if (request.hasAttachment()) {
      reply.setAttachment(request.getAttachment());
    }
    for (String key : call.requestHeaders().keys()) {
      if (key.startsWith("x-")) {
        reply.putHeaders(key, headerValue(call, key));
      }
    }
    return reply.build();
  }

  private static String headerValue(CallContext call, String key) {
    byte[] binary = call.requestHeaders().getBinary(key);
    return binary != null
        ? java.util.Base64.getEncoder().encodeToString(binary)
        : String.valueOf(call.requestHeaders().get(key));
  }

  private static void repeat(EchoRequest request, StreamSender<EchoReply> responses) {
    markCall();
    for (int i = 0; i < request.getCount(); i++) {
      responses.send(EchoReply.newBuilder().setText(request.getText()).setIndex(i).build());
    }
  }

  private static EchoReply collect(StreamReceiver<EchoRequest> requests) {
    markCall();
    List<String> texts = new ArrayList<>();
    requests.forEach(request -> texts.add(request.getText()));
    return EchoReply.newBuilder().setText(String.join(",", texts)).setIndex(texts.size()).build();
  }

  private static void chat(
      StreamReceiver<EchoRequest> requests, StreamSender<EchoReply> responses) {
    markCall();
    int index = 0;
    for (EchoRequest request : requests) {
      responses.send(EchoReply.newBuilder().setText(request.getText()).setIndex(index++).build());
    }
  }

  private static EchoReply fail(EchoRequest request) {
    throw Status.of(Status.Code.valueOf(request.getText()))
        .withDescription("failed as asked")
        .withDetails(
            BadRequest.newBuilder()
                .addFieldViolations(
                    BadRequest.FieldViolation.newBuilder()
                        .setField("text")
                        .setDescription("asked to fail"))
                .build())
        .asException();
  }

  private static CallContext markCall() {
    CallContext call = CallContext.current();
    call.responseHeaders().add("x-echo-header", "yes");
    call.responseTrailers().add("x-echo-trailer", "done");
    return call;
  }

  private static MethodDescriptor<EchoRequest, EchoReply> method(
      String name, MethodDescriptor.Type type) {
    return MethodDescriptor.of(
        "trunk.cli.test.Echo",
        name,
        type,
        Codec.protobuf(EchoRequest.getDefaultInstance()),
        Codec.protobuf(EchoReply.getDefaultInstance()));
  }
}
