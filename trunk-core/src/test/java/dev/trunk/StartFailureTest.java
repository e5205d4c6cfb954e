package dev.trunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A server that cannot start says why and what to do, and leaves no thread behind; misuse of a
 * server's lifecycle is refused with a message naming the fix.
 */
class StartFailureTest {
  /** How long the threads of a failed start may take to end after start() has thrown. */
  private static final Duration THREADS_END = Duration.ofSeconds(5);

  /** A child JVM that starts, fails to bind and returns from main exits well within this. */
  private static final Duration CHILD_EXIT = Duration.ofSeconds(30);

  @Test
  void aTakenPortFailsWithTheAddressAndTheFixAndLeavesNoThreadRunning() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      Set<Thread> before = nonDaemonThreads();
      Server server = Server.builder().address("127.0.0.1", taken.getLocalPort()).build();

      assertThatThrownBy(server::start)
          .isInstanceOf(BindException.class)
          .hasMessageContaining("cannot listen on 127.0.0.1:" + taken.getLocalPort())
          .hasMessageContaining("already in use")
          .hasMessageContaining("choose another port")
          .cause()
          .isInstanceOf(IOException.class);
      assertThat(newThreadsAfterWaiting(before)).isEmpty();
      assertThat(server.awaitTermination(Duration.ZERO)).isTrue();
    }
  }

  @Test
  void aProcessWhoseServerCannotBindExits() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      ChildJvm.Result child =
          ChildJvm.run(
              BindFailureMain.class, List.of(), CHILD_EXIT, String.valueOf(taken.getLocalPort()));

      assertThat(child.exited()).as("exited; output:\n%s", child.output()).isTrue();
      assertThat(child.output()).contains("start failed: cannot listen on 127.0.0.1:");
    }
  }

  @Test
  void startingTwiceOrAfterShutdownSaysToBuildANewServer() throws Exception {
    try (Server server = Server.builder().address("127.0.0.1", 0).build().start()) {
      assertThatThrownBy(server::start)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("start() was already called")
          .hasMessageContaining("build a new one");
    }
    Server unstarted = Server.builder().address("127.0.0.1", 0).build();
    assertThatThrownBy(unstarted::port)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("start()");
    unstarted.shutdown();
    assertThatThrownBy(unstarted::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("shut down before it started");
  }

  private static Set<Thread> nonDaemonThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> !thread.isDaemon() && thread.isAlive())
        .collect(Collectors.toSet());
  }

  /** Non-daemon threads that were not in {@code before}, once given {@link #THREADS_END}. */
  private static List<String> newThreadsAfterWaiting(Set<Thread> before)
      throws InterruptedException {
    long deadline = System.nanoTime() + THREADS_END.toNanos();
    List<String> added;
    do {
      added =
          nonDaemonThreads().stream()
              .filter(thread -> !before.contains(thread))
              .map(Thread::getName)
              .toList();
      if (added.isEmpty()) {
        return added;
      }
      Thread.sleep(50);
    } while (System.nanoTime() < deadline);
    return added;
  }
}
