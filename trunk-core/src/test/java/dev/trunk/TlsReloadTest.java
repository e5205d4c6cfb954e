package dev.trunk;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.StringValue;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificates given as files are reloaded without a restart: a rotated server certificate reaches
 * new connections while calls keep succeeding, bad files are logged and leave the old certificate
 * serving, and a channel presents its rotated client certificate on new connections.
 */
class TlsReloadTest {
  /** Short, so a rotation is picked up within a second; the default is 30 s. */
  private static final Duration RELOAD_INTERVAL = Duration.ofMillis(200);

  /** How long a test waits for a reload to show; generous for a loaded 2-core machine. */
  private static final Duration WAIT = Duration.ofSeconds(30);

  private static final CallOptions CALL = CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(20));

  @TempDir static Path certificateDir;
  @TempDir Path dir;

  private static TestCertificates certificates;
  private static TestCertificates.Leaf serverOne;
  private static TestCertificates.Leaf serverTwo;
  private static TestCertificates.Leaf clientOne;
  private static TestCertificates.Leaf clientTwo;

  private Server server;
  private final List<Channel> channels = new ArrayList<>();

  @BeforeAll
  @Timeout(value = 3, unit = TimeUnit.MINUTES) // keytool starts a JVM per certificate
  static void makeCertificates() throws Exception {
    certificates = TestCertificates.create(certificateDir);
    serverOne = certificates.server("server-one");
    serverTwo = certificates.server("server-two");
    clientOne = certificates.client("client-one");
    clientTwo = certificates.client("client-two");
  }

  @AfterEach
  void stop() {
    channels.forEach(Channel::shutdownNow);
    if (server != null) {
      server.shutdownNow();
    }
  }

  private Path chainFile() {
    return dir.resolve("tls.crt");
  }

  private Path keyFile() {
    return dir.resolve("tls.key");
  }

  private void startServer() throws Exception {
    serverOne.writeTo(chainFile(), keyFile());
    ServiceDefinition echo =
        ServiceDefinition.builder(TestService.NAME).unary(TestService.ECHO, r -> r).build();
    TlsConfig tls =
        TlsConfig.builder().keyPair(chainFile(), keyFile()).reloadInterval(RELOAD_INTERVAL).build();
    server = Server.builder().address("127.0.0.1", 0).service(echo).tls(tls).build().start();
  }

  private Channel newChannel() {
    Channel channel =
        Channel.forAddress("127.0.0.1", server.port())
            .tls(TlsConfig.builder().trust(certificates.caPem()).build())
            .build();
    synchronized (channels) {
      channels.add(channel);
    }
    return channel;
  }

  private static void echo(Channel channel) {
    assertThat(channel.unaryCall(TestService.ECHO, StringValue.of("ping"), CALL))
        .isEqualTo(StringValue.of("ping"));
  }

  /** The subject of the certificate the server presents to a new connection. */
  private String subjectOfANewConnection() throws Exception {
    SSLContext context = certificates.sslContext("TLS", null);
    try (SSLSocket socket =
        (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", server.port())) {
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setApplicationProtocols(new String[] {"h2"});
      socket.setSSLParameters(parameters);
      socket.setSoTimeout(10_000);
      socket.startHandshake();
      return ((X509Certificate) socket.getSession().getPeerCertificates()[0])
          .getSubjectX500Principal()
          .getName();
    }
  }

  /** Checks new connections until one is served {@code wanted}'s certificate. */
  private void awaitNewConnectionsServe(String wanted) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    String subject = subjectOfANewConnection();
    while (!subject.contains("OU=" + wanted) && System.nanoTime() < deadline) {
      Thread.sleep(RELOAD_INTERVAL.toMillis() / 2);
      subject = subjectOfANewConnection();
    }
    assertThat(subject).contains("OU=" + wanted);
  }

  private static void awaitAtLeast(AtomicInteger counter, int count) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (counter.get() < count && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(counter.get()).isGreaterThanOrEqualTo(count);
  }

  @Test
  void aRotatedServerCertificateReachesNewConnectionsWhileCallsContinueWithoutFailure()
      throws Exception {
    startServer();
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger onExisting = new AtomicInteger();
    AtomicInteger onNew = new AtomicInteger();
    Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
    List<Thread> callers = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Channel existing = newChannel();
      callers.add(
          Thread.ofPlatform()
              .start(() -> callWhile(running, failures, onExisting, () -> echo(existing))));
      callers.add(
          Thread.ofPlatform()
              .start(
                  () ->
                      callWhile(
                          running,
                          failures,
                          onNew,
                          () -> {
                            Channel fresh = newChannel();
                            try {
                              echo(fresh);
                            } finally {
                              fresh.shutdownNow();
                            }
                          })));
    }
    try {
      awaitAtLeast(onExisting, 20);
      awaitAtLeast(onNew, 5);
      assertThat(subjectOfANewConnection()).contains("OU=server-one");

      serverTwo.writeTo(chainFile(), keyFile());
      awaitNewConnectionsServe("server-two");
      awaitAtLeast(onExisting, onExisting.get() + 20);
      awaitAtLeast(onNew, onNew.get() + 5);
    } finally {
      running.set(false);
      for (Thread caller : callers) {
        assertThat(caller.join(WAIT)).isTrue();
      }
    }
    assertThat(failures).isEmpty();
  }

  private static void callWhile(
      AtomicBoolean running, Queue<Throwable> failures, AtomicInteger calls, Runnable call) {
    while (running.get()) {
      try {
        call.run();
        calls.incrementAndGet();
      } catch (RuntimeException | AssertionError e) {
        failures.add(e);
      }
    }
  }

  @Test
  void badNewFilesAreLoggedOnceAndTheOldCertificateServesUntilGoodOnesArrive() throws Exception {
    startServer();
    Channel channel = newChannel();
    try (LogCapture log = new LogCapture()) {
      // Half written: the certificate file cut in the middle.
      byte[] chain = Files.readAllBytes(chainFile());
      Files.write(chainFile(), Arrays.copyOf(chain, chain.length / 2));
      log.await(cannotReload("cannot read the certificates in " + chainFile()), WAIT);
      assertThat(subjectOfANewConnection()).contains("OU=server-one");
      echo(newChannel());

      // Complete, but with the key of another certificate.
      Files.write(chainFile(), serverTwo.chainPem());
      Files.write(keyFile(), clientOne.keyPem());
      log.await(cannotReload("does not belong to the certificate"), WAIT);
      assertThat(log.lines(cannotReload("does not belong to the certificate")))
          .singleElement()
          .asString()
          .contains("ERROR")
          .contains(keyFile().toString())
          .contains("CN=localhost,OU=server-two")
          .contains("keep using the previous material");
      assertThat(subjectOfANewConnection()).contains("OU=server-one");
      echo(newChannel());
      echo(channel);

      Files.write(keyFile(), serverTwo.keyPem());
      log.await(line -> line.contains("reloaded TLS material from"), WAIT);
      assertThat(subjectOfANewConnection()).contains("OU=server-two");
      echo(newChannel());
      echo(channel);
      assertThat(log.lines(line -> line.startsWith("\tat "))).isEmpty();
    }
  }

  private static Predicate<String> cannotReload(String detail) {
    return line -> line.contains("cannot reload TLS material from") && line.contains(detail);
  }

  @Test
  void aChannelPresentsItsRotatedClientCertificateOnNewConnections() throws Exception {
    Path clientChain = dir.resolve("client.crt");
    Path clientKey = dir.resolve("client.key");
    clientOne.writeTo(clientChain, clientKey);
    BlockingQueue<String> presented = new LinkedBlockingQueue<>();
    SSLContext context = certificates.sslContext("TLS", serverOne);
    Thread acceptor;
    try (SSLServerSocket listener =
        (SSLServerSocket)
            context
                .getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      listener.setNeedClientAuth(true);
      acceptor = Thread.ofVirtual().start(() -> recordClientCertificates(listener, presented));
      Channel channel =
          Channel.forAddress("127.0.0.1", listener.getLocalPort())
              .tls(
                  TlsConfig.builder()
                      .trust(certificates.caPem())
                      .keyPair(clientChain, clientKey)
                      .reloadInterval(RELOAD_INTERVAL)
                      .build())
              .build();
      channels.add(channel);

      assertThat(presentedOnANewConnection(channel, presented)).isEqualTo("CN=client-one");
      clientTwo.writeTo(clientChain, clientKey);
      long deadline = System.nanoTime() + WAIT.toNanos();
      String subject = presentedOnANewConnection(channel, presented);
      while (!subject.equals("CN=client-two") && System.nanoTime() < deadline) {
        subject = presentedOnANewConnection(channel, presented);
      }
      assertThat(subject).isEqualTo("CN=client-two");
    }
    assertThat(acceptor.join(WAIT)).isTrue(); // it ends once the listener is closed
  }

  /**
   * Makes a call, which opens a new connection to the test's TLS server (it records the client's
   * certificate, then hangs up), and returns the subject the server saw.
   */
  private static String presentedOnANewConnection(Channel channel, BlockingQueue<String> presented)
      throws InterruptedException {
    try {
      channel.unaryCall(TestService.ECHO, StringValue.of("x"), CALL);
    } catch (StatusException expected) {
      // the test server does not speak gRPC
    }
    String subject = presented.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(subject).as("a client certificate presented").isNotNull();
    return subject;
  }

  private static void recordClientCertificates(
      SSLServerSocket listener, BlockingQueue<String> presented) {
    while (!listener.isClosed()) {
      try (SSLSocket socket = (SSLSocket) listener.accept()) {
        socket.setSoTimeout(10_000);
        socket.startHandshake();
        presented.add(
            ((X509Certificate) socket.getSession().getPeerCertificates()[0])
                .getSubjectX500Principal()
                .getName());
      } catch (IOException closedOrFailed) {
        // the listener was closed, or this handshake failed: the test sees no subject
      }
    }
  }
}
