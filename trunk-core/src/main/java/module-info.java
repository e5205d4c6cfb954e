/**
 * Trunk's core: the public API in {@code dev.trunk}; everything else is internal. The internal
 * packages are opened only to Trunk's own test kit.
 */
module dev.trunk {
  requires transitive com.google.protobuf;
  // JsonFormat, the proto3 JSON mapping (gRPC-Web, Connect, application/grpc+json).
  requires com.google.protobuf.util;
  requires static transitive org.jspecify;
  requires io.netty.buffer;
  requires io.netty.codec;
  requires io.netty.codec.http;
  requires io.netty.codec.http2;
  requires io.netty.common;
  requires io.netty.handler;
  requires io.netty.transport;
  requires io.netty.transport.classes.epoll;
  requires io.netty.transport.unix.common;
  // The dns resolver's queries to a named DNS server and its TXT lookups (JNDI's DNS provider).
  requires java.naming;
  requires org.slf4j;

  // Log: whether SLF4J has a provider or fell back to its no-operation logger.
  uses org.slf4j.spi.SLF4JServiceProvider;
  // Client extension points (dev.trunk.spi): name resolvers by scheme, balancers by policy name.
  uses dev.trunk.spi.NameResolver.Provider;
  uses dev.trunk.spi.LoadBalancer.Provider;

  // The built-in resolvers of gRPC's naming document; also in META-INF/services for the class path.
  provides dev.trunk.spi.NameResolver.Provider with
      dev.trunk.internal.resolver.DnsResolverProvider,
      dev.trunk.internal.resolver.Ipv4ResolverProvider,
      dev.trunk.internal.resolver.Ipv6ResolverProvider,
      dev.trunk.internal.resolver.UnixResolverProvider,
      dev.trunk.internal.resolver.UnixAbstractResolverProvider,
      dev.trunk.internal.resolver.PassthroughResolverProvider;
  provides dev.trunk.spi.LoadBalancer.Provider with
      dev.trunk.internal.lb.PickFirst.Provider,
      dev.trunk.internal.lb.RoundRobinProvider,
      dev.trunk.internal.lb.LeastRequestProvider,
      dev.trunk.internal.lb.RingHashProvider,
      dev.trunk.internal.lb.OutlierDetectionProvider;

  exports dev.trunk;
  exports dev.trunk.spi;
  exports dev.trunk.internal to
      dev.trunk.testing;
  exports dev.trunk.internal.client to
      dev.trunk.testing;
  exports dev.trunk.internal.client.config to
      dev.trunk.testing;
  exports dev.trunk.internal.server to
      dev.trunk.testing;
  exports dev.trunk.internal.inprocess to
      dev.trunk.testing;

  // Generated messages of the standard services; protobuf reads their accessors reflectively.
  opens dev.trunk.internal.health.v1 to
      com.google.protobuf;
  opens dev.trunk.internal.reflection.v1 to
      com.google.protobuf;
  opens dev.trunk.internal.reflection.v1alpha to
      com.google.protobuf;
}
