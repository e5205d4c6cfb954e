package dev.trunk;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/**
 * Captures what the test logger (slf4j-simple, which writes to the current {@code System.err})
 * prints while open, and still passes it on. Close it to restore {@code System.err}.
 */
final class LogCapture implements AutoCloseable {
  private final PrintStream original = System.err;
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

  LogCapture() {
    OutputStream tee =
        new OutputStream() {
          @Override
          public void write(int b) {
            synchronized (captured) {
              captured.write(b);
            }
            original.write(b);
          }

          @Override
          public void write(byte[] bytes, int offset, int length) {
            synchronized (captured) {
              captured.write(bytes, offset, length);
            }
            original.write(bytes, offset, length);
          }
        };
    System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
  }

  /** The lines printed so far. */
  List<String> lines() {
    synchronized (captured) {
      return captured.toString(StandardCharsets.UTF_8).lines().toList();
    }
  }

  /** The lines printed so far that {@code matches}. */
  List<String> lines(Predicate<String> matches) {
    return lines().stream().filter(matches).toList();
  }

  /** Waits until a line that {@code matches} is printed; returns it, or fails after timeout. */
  String await(Predicate<String> matches, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      List<String> found = lines(matches);
      if (!found.isEmpty()) {
        return found.get(0);
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no matching log line within " + timeout + "; log:\n" + lines());
  }

  @Override
  public void close() {
    System.setErr(original);
  }
}
