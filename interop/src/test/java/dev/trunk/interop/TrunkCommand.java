package dev.trunk.interop;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a command-line tool (the {@code trunk} launcher, {@code buf}) as a process with some
 * standard input, and keeps its exit code, standard output and standard error apart.
 */
final class TrunkCommand {
  /** Longest one run may take: a JVM start, a schema lookup and a few calls. */
  static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);

  private static final AtomicInteger RUNS = new AtomicInteger();

  /** What a run printed and how it ended. */
  record Result(int exitCode, String out, String err, String command) {
    /** The lines of standard output. */
    List<String> lines() {
      return out.lines().toList();
    }

    /** Everything about the run, for assertion messages. */
    String describe() {
      return "\n--- " + command + " exited " + exitCode + "\nstdout:\n" + out + "stderr:\n" + err;
    }
  }

  private TrunkCommand() {}

  /** {@code trunk-cli/target/trunk args...}. */
  static Result trunk(List<String> args, String stdin) {
    List<String> command = new ArrayList<>();
    command.add(launcher().toString());
    command.addAll(args);
    return run(command, stdin);
  }

  /** {@code buf args...}, the buf that the interop build installs with npm. */
  static Result buf(List<String> args, String stdin) {
    List<String> command = new ArrayList<>();
    command.add(GrpcJsAndConnectEsPeers.nodeDir().resolve("node_modules/.bin/buf").toString());
    command.addAll(args);
    return run(command, stdin);
  }

  /**
   * Runs {@code command} with {@code stdin}; fails the test if it outlives {@link #RUN_TIMEOUT}.
   */
  static Result run(List<String> command, String stdin) {
    Path base = InteropEnv.workDir().resolve("cli").resolve("run-" + RUNS.incrementAndGet());
    Path out = base.resolveSibling(base.getFileName() + ".out");
    Path err = base.resolveSibling(base.getFileName() + ".err");
    try {
      Files.createDirectories(base.getParent());
      ProcessBuilder builder =
          new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
      // The launcher picks the first Java 21+; this one is known to be.
      builder.environment().put("TRUNK_JAVA_HOME", System.getProperty("java.home"));
      Process process = builder.start();
      try (OutputStream in = process.getOutputStream()) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      return awaitExit(process, command, out, err);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command, e);
    }
  }

  private static Result awaitExit(Process process, List<String> command, Path out, Path err)
      throws IOException {
    String line = String.join(" ", command);
    try {
      if (!process.waitFor(RUN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError(line + " did not exit within " + RUN_TIMEOUT);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while running " + line, e);
    }
    return new Result(process.exitValue(), Files.readString(out), Files.readString(err), line);
  }

  private static Path launcher() {
    String property = System.getProperty("trunk.launcher");
    if (property == null || property.isBlank()) {
      throw new IllegalStateException(
          "system property trunk.launcher is not set: run the tests with 'mvn verify'");
    }
    Path launcher = Path.of(property).toAbsolutePath().normalize();
    if (!Files.isExecutable(launcher)) {
      throw new IllegalStateException(launcher + " is missing: build trunk-cli first");
    }
    return launcher;
  }
}
