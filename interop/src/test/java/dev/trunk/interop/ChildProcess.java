package dev.trunk.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A JVM started by the interop tests, with its stdout and stderr in one log file. Always {@link
 * #close()} it; a shutdown hook also destroys any child still running when the test JVM exits.
 */
final class ChildProcess implements AutoCloseable {
  private static final Set<ChildProcess> RUNNING = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  for (ChildProcess child : RUNNING) {
                    child.close();
                  }
                },
                "interop-child-reaper"));
  }

  private final String name;
  private final List<String> command;
  private final Path log;
  private final Process process;

  private ChildProcess(String name, List<String> command, Path log, Process process) {
    this.name = name;
    this.command = command;
    this.log = log;
    this.process = process;
  }

  /** Starts {@code java jvmArgs... args...} with the test JVM's own java. */
  static ChildProcess startJava(String name, List<String> jvmArgs, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmArgs);
    command.addAll(args);
    return start(name, command);
  }

  /** Starts {@code command}; its output goes to a log file in the work directory. */
  static ChildProcess start(String name, List<String> command) {
    Path log = InteropEnv.workDir().resolve(name.replaceAll("[^A-Za-z0-9_.-]", "_") + ".log");
    try {
      Files.deleteIfExists(log);
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      process.getOutputStream().close(); // no input
      ChildProcess child = new ChildProcess(name, command, log, process);
      RUNNING.add(child);
      return child;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + command, e);
    }
  }

  /**
   * Waits for the process to exit.
   *
   * @return the exit status, or null if it was still running after {@code timeout} (then it is
   *     destroyed)
   */
  Integer awaitExit(Duration timeout) {
    try {
      if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        RUNNING.remove(this);
        return process.exitValue();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    close();
    return null;
  }

  /**
   * Waits until the log has a line matching {@code ready} and returns it.
   *
   * @throws AssertionError if the process exits or {@code timeout} passes first
   */
  String awaitLogLine(Predicate<String> ready, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (String line : output().split("\n", -1)) {
        if (ready.test(line)) {
          return line;
        }
      }
      if (!process.isAlive()) {
        throw new AssertionError(
            name + " exited with " + process.exitValue() + " before it was ready" + describe());
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(name + " was not ready within " + timeout + describe());
      }
      sleep(100);
    }
  }

  /**
   * Waits until 127.0.0.1:{@code port} accepts TCP connections.
   *
   * @throws AssertionError if the process exits or {@code timeout} passes first
   */
  void awaitPort(int port, Duration timeout) {
    awaitPort("127.0.0.1", port, timeout);
  }

  /**
   * Waits until {@code host}:{@code port} accepts TCP connections.
   *
   * @throws AssertionError if the process exits or {@code timeout} passes first
   */
  void awaitPort(String host, int port, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(host, port), 500);
        return;
      } catch (IOException notYet) {
        // retry below
      }
      if (!process.isAlive()) {
        throw new AssertionError(
            name
                + " exited with "
                + process.exitValue()
                + " before "
                + host
                + ":"
                + port
                + " opened"
                + describe());
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            name
                + " did not accept connections on "
                + host
                + ":"
                + port
                + " within "
                + timeout
                + describe());
      }
      sleep(100);
    }
  }

  /** The file the process's output goes to. */
  Path log() {
    return log;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Everything the process printed so far. */
  String output() {
    try {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  /** The command and output, for failure messages. */
  String describe() {
    return "\n--- "
        + name
        + ": "
        + String.join(" ", command)
        + "\n"
        + output()
        + "--- end of "
        + name
        + " output ("
        + log
        + ")";
  }

  /** Destroys the process and its descendants if still running. */
  @Override
  public void close() {
    RUNNING.remove(this);
    if (!process.isAlive()) {
      return;
    }
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
