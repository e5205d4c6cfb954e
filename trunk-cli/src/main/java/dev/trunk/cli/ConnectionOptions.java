package dev.trunk.cli;

import dev.trunk.CallOptions;
import dev.trunk.Channel;
import dev.trunk.Deadline;
import dev.trunk.Interceptor;
import dev.trunk.Metadata;
import dev.trunk.TlsConfig;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The connection flags every command that talks to a server shares (grpcurl's names where it has
 * them), as a picocli mixin: TLS (the default) or plaintext, the authority, timeouts, request
 * metadata and the wire protocol. {@link #open} turns them into a {@link Channel}, {@link
 * #callOptions} into the options of each call.
 */
public final class ConnectionOptions {
  @Option(names = "--plaintext", description = "Use plain HTTP/2 without TLS (TLS is the default).")
  boolean plaintext;

  @Option(
      names = "--cacert",
      paramLabel = "FILE",
      description = "PEM certificates of the authorities that sign the server's certificate.")
  @Nullable Path cacert;

  @Option(names = "--cert", paramLabel = "FILE", description = "PEM client certificate chain.")
  @Nullable Path cert;

  @Option(names = "--key", paramLabel = "FILE", description = "PEM (PKCS#8) key of --cert.")
  @Nullable Path key;

  @Option(
      names = "--insecure",
      description = "Use TLS but accept any server certificate and host name.")
  boolean insecure;

  @Option(
      names = "--authority",
      paramLabel = "NAME",
      description = "The :authority to send, and the name the server certificate must have.")
  @Nullable String authority;

  @Option(
      names = "--connect-timeout",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Longest time one connection attempt may take (e.g. 2s; default 20s).")
  @Nullable Duration connectTimeout;

  @Option(
      names = "--max-time",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Deadline of the whole operation, schema lookup included (e.g. 10s, 1.5).")
  @Nullable Duration maxTime;

  @Option(
      names = {"-H", "--header"},
      paramLabel = "'KEY: VALUE'",
      description = "Request metadata, repeatable; values of -bin keys are base64.")
  List<String> headers = new ArrayList<>();

  @Option(
      names = "--protocol",
      paramLabel = "grpc|grpc-web|connect",
      converter = ProtocolConverter.class,
      description = "Wire protocol (default grpc).")
  Channel.Protocol protocol = Channel.Protocol.GRPC;

  @Option(names = "--http1", description = "Use HTTP/1.1 (only with grpc-web or connect).")
  boolean http1;

  private @Nullable Deadline deadline;

  /**
   * A channel to {@code target} ({@code host:port}, {@code [ipv6]:port}, {@code dns:///host:port},
   * {@code unix:/path}) with these flags.
   *
   * @param interceptors added to every call of the channel
   * @throws CliException ({@link ExitCode#USAGE}) if the target or the flags are invalid
   */
  public Channel open(String target, Interceptor... interceptors) {
    return open(target, builder -> {}, interceptors);
  }

  /**
   * A channel as {@link #open(String, Interceptor...)} makes, with {@code tune} applied to its
   * builder last (bench sets its callback executor).
   */
  public Channel open(String target, Consumer<Channel.Builder> tune, Interceptor... interceptors) {
    checkTlsFlags();
    try {
      Channel.Builder builder = Channel.forTarget(target).protocol(protocol);
      for (Interceptor interceptor : interceptors) {
        builder.intercept(interceptor);
      }
      if (http1) {
        builder.http1();
      }
      if (authority != null) {
        builder.overrideAuthority(authority);
      }
      if (connectTimeout != null) {
        builder.connectTimeout(connectTimeout);
      }
      if (plaintext) {
        builder.plaintext();
      } else {
        builder.tls(tls());
      }
      tune.accept(builder);
      return builder.build();
    } catch (IllegalArgumentException | UncheckedIOException e) {
      throw new CliException(ExitCode.USAGE, e.getMessage(), e);
    }
  }

  /**
   * The options of a call: the {@code -H} metadata and the {@code --max-time} deadline, which
   * starts with the first call to this method and is shared by every later call.
   */
  public CallOptions callOptions() {
    CallOptions options = CallOptions.DEFAULT.withMetadata(metadata());
    if (maxTime == null) {
      return options;
    }
    if (deadline == null) {
      deadline = Deadline.after(maxTime);
    }
    return options.withDeadline(deadline);
  }

  /** The longest time one connection attempt may take: {@code --connect-timeout} or Trunk's. */
  public Duration connectTimeout() {
    return connectTimeout != null ? connectTimeout : Channel.Builder.DEFAULT_CONNECT_TIMEOUT;
  }

  /** Whether the connection uses TLS. */
  public boolean tlsEnabled() {
    return !plaintext;
  }

  /** The {@code -H} headers as metadata. */
  Metadata metadata() {
    Metadata metadata = new Metadata();
    for (String header : headers) {
      int colon = header.indexOf(':');
      if (colon <= 0) {
        throw new CliException(
            ExitCode.USAGE, "header '" + header + "' is not of the form 'key: value'");
      }
      String name = header.substring(0, colon).strip().toLowerCase(Locale.ROOT);
      String value = header.substring(colon + 1).strip();
      try {
        if (Metadata.isBinaryKey(name)) {
          metadata.addBinary(name, Base64.getDecoder().decode(value));
        } else {
          metadata.add(name, value);
        }
      } catch (IllegalArgumentException e) {
        throw new CliException(ExitCode.USAGE, "header '" + header + "': " + e.getMessage(), e);
      }
    }
    return metadata;
  }

  private void checkTlsFlags() {
    if (plaintext && (cacert != null || cert != null || key != null || insecure)) {
      throw new CliException(
          ExitCode.USAGE,
          "--plaintext cannot be combined with --cacert, --cert, --key or --insecure");
    }
    if ((cert == null) != (key == null)) {
      throw new CliException(ExitCode.USAGE, "--cert and --key must be given together");
    }
    if (insecure && cacert != null) {
      throw new CliException(ExitCode.USAGE, "--insecure trusts any server: drop --cacert");
    }
  }

  private TlsConfig tls() {
    if (insecure) {
      return TlsConfig.builder().sslContext(InsecureTls.context(cert, key)).build();
    }
    TlsConfig.Builder tls = TlsConfig.builder();
    if (cacert != null) {
      tls.trust(cacert);
    }
    if (cert != null && key != null) {
      tls.keyPair(cert, key);
    }
    return tls.build();
  }

  /** {@code grpc}, {@code grpc-web} or {@code connect}, in any case. */
  static final class ProtocolConverter implements ITypeConverter<Channel.Protocol> {
    @Override
    public Channel.Protocol convert(String value) {
      return switch (value.toLowerCase(Locale.ROOT)) {
        case "grpc" -> Channel.Protocol.GRPC;
        case "grpc-web" -> Channel.Protocol.GRPC_WEB;
        case "connect" -> Channel.Protocol.CONNECT;
        default ->
            throw new TypeConversionException(
                "unknown protocol '" + value + "' (grpc, grpc-web, connect)");
      };
    }
  }
}
