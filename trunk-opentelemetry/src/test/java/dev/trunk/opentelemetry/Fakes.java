package dev.trunk.opentelemetry;

import com.google.protobuf.Empty;
import dev.trunk.CallInfo;
import dev.trunk.Codec;
import dev.trunk.ContextKey;
import dev.trunk.Deadline;
import dev.trunk.EventListener.Connection;
import dev.trunk.MethodDescriptor;
import dev.trunk.TlsInfo;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Optional;

/** Calls and connections to report to a listener directly, without a transport. */
final class Fakes {
  static final SocketAddress PEER = new InetSocketAddress("127.0.0.1", 40000);

  private Fakes() {}

  static MethodDescriptor<Empty, Empty> method(String fullName, MethodDescriptor.Type type) {
    Codec<Empty> codec = Codec.protobuf(Empty.getDefaultInstance());
    int slash = fullName.indexOf('/');
    return MethodDescriptor.of(
        fullName.substring(0, slash), fullName.substring(slash + 1), type, codec, codec);
  }

  static CallInfo<Empty, Empty> call(String fullName, MethodDescriptor.Type type) {
    return new Call(method(fullName, type));
  }

  static CallInfo<Empty, Empty> unary(String fullName) {
    return call(fullName, MethodDescriptor.Type.UNARY);
  }

  static Connection connection(boolean server, String httpVersion) {
    return new Conn(server, httpVersion);
  }

  private record Call(MethodDescriptor<Empty, Empty> method) implements CallInfo<Empty, Empty> {
    @Override
    public boolean isServer() {
      return true;
    }

    @Override
    public Optional<Deadline> deadline() {
      return Optional.empty();
    }

    @Override
    public String authority() {
      return "localhost";
    }

    @Override
    public Optional<SocketAddress> peer() {
      return Optional.of(PEER);
    }

    @Override
    public Optional<TlsInfo> tls() {
      return Optional.empty();
    }

    @Override
    public int attempts() {
      return 1;
    }

    @Override
    public <T> void put(ContextKey<T> key, T value) {}

    @Override
    public <T> Optional<T> get(ContextKey<T> key) {
      return Optional.empty();
    }
  }

  private record Conn(boolean isServer, String httpVersion) implements Connection {
    @Override
    public SocketAddress remoteAddress() {
      return PEER;
    }

    @Override
    public SocketAddress localAddress() {
      return new InetSocketAddress("127.0.0.1", 8080);
    }

    @Override
    public Optional<TlsInfo> tls() {
      return Optional.empty();
    }
  }
}
