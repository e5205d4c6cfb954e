package dev.trunk.internal.server;

import dev.trunk.EventListener;
import dev.trunk.Interceptor;
import dev.trunk.ServiceDefinition;
import dev.trunk.TlsConfig;
import dev.trunk.internal.web.StaticFiles;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A server's settings, as collected by {@code Server.Builder}. The address is an {@link
 * java.net.InetSocketAddress} (TCP) or a {@link java.net.UnixDomainSocketAddress}. {@code
 * corsAllowedOrigins} lists the origins browsers may call from ("*": any); empty, none. {@code
 * ignoreUnknownJsonFields}: JSON requests may carry fields their message lacks (else
 * INVALID_ARGUMENT). {@code events} is the installed listeners as one ({@link EventListener#NONE}
 * when none is).
 */
public record ServerConfig(
    SocketAddress address,
    List<ServiceDefinition> services,
    List<ServiceDefinition> nonBlockingServices,
    List<ServiceDefinition> interruptibleServices,
    List<Interceptor> interceptors,
    @Nullable TlsConfig tls,
    int maxInboundMessageSize,
    int maxHeaderListSize,
    int maxConcurrentStreams,
    long maxBufferedBytesPerConnection,
    long maxBufferedBytes,
    Duration shutdownGracePeriod,
    boolean health,
    boolean reflection,
    ConnectionManagement connections,
    List<String> corsAllowedOrigins,
    List<StaticFiles> staticFiles,
    boolean ignoreUnknownJsonFields,
    EventListener events) {}
