package dev.trunk;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Runs a test {@code main} in a new JVM on this test's class path (optionally without some entries)
 * and collects what it printed, for behaviour that only a fresh process shows: which logger SLF4J
 * picked, whether the process exits.
 */
final class ChildJvm {
  /** What the process printed (stdout and stderr together), its exit code, and if it ended. */
  record Result(String output, boolean exited, int exitCode) {}

  private ChildJvm() {}

  /**
   * Runs {@code main} with {@code args}, leaving out class path entries whose file name contains
   * any of {@code excluded}; waits at most {@code timeout}, then kills it.
   */
  static Result run(Class<?> main, List<String> excluded, Duration timeout, String... args)
      throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classPath =
        Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .filter(
                entry ->
                    excluded.stream().noneMatch(Path.of(entry).getFileName().toString()::contains))
            .collect(Collectors.joining(File.pathSeparator));
    List<String> command = new ArrayList<>(List.of(java, "-cp", classPath, main.getName()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    // Read on another thread: a child that never exits must not block this one.
    StringBuilder output = new StringBuilder();
    Thread reader =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    String text =
                        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    synchronized (output) {
                      output.append(text);
                    }
                  } catch (IOException e) {
                    // the process was killed
                  }
                });
    boolean exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (!exited) {
      process.destroyForcibly().waitFor();
    }
    reader.join(Duration.ofSeconds(10));
    synchronized (output) {
      return new Result(output.toString(), exited, exited ? process.exitValue() : -1);
    }
  }
}
