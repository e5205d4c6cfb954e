package dev.trunk.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Records one cell of the interop matrix per line in {@code target/interop-results/*.tsv}, which
 * the matrix report turns into the table of {@code docs/interop.md}. A test records its cell and
 * then asserts as usual: the record is the table, the assertion is what fails the build.
 *
 * <p>Line format, tab-separated: case, peer, direction, path, result, note. Direction is {@code
 * peer-client} (the peer's client against Trunk's server) or {@code peer-server} (Trunk's client
 * against the peer's server); path is {@code plaintext}, {@code tls}, {@code nginx} or {@code nginx
 * cache}; result is {@code pass}, {@code fail} or {@code n/a}.
 */
final class MatrixResults {
  /** The peer's client calls Trunk's server. */
  static final String PEER_CLIENT = "peer-client";

  /** Trunk's client calls the peer's server. */
  static final String PEER_SERVER = "peer-server";

  private MatrixResults() {}

  static Path directory() {
    return Path.of(System.getProperty("interop.results.dir", "target/interop-results"));
  }

  /** Records a case that ran. */
  static void record(
      String testCase, String peer, String direction, String path, boolean passed, String note) {
    write(
        peer,
        String.join("\t", testCase, peer, direction, path, passed ? "pass" : "fail", clean(note)));
  }

  /**
   * Runs {@code checks} and records the case as passed if they return, failed if they throw (the
   * note then ends with the failure's message); the failure is rethrown.
   */
  static void recordChecks(
      String testCase, String peer, String direction, String path, String note, Runnable checks) {
    try {
      checks.run();
    } catch (RuntimeException | AssertionError e) {
      record(testCase, peer, direction, path, false, note + " Failed: " + summary(e));
      throw e;
    }
    record(testCase, peer, direction, path, true, note);
  }

  /**
   * The first line of a failure's message and, for an AssertJ failure whose description spans lines
   * (a child's log), what follows the description: the expected and actual values.
   */
  private static String summary(Throwable failure) {
    String message = String.valueOf(failure.getMessage());
    int firstLineEnd = message.indexOf('\n');
    if (firstLineEnd < 0) {
      return message;
    }
    String summary = message.substring(0, firstLineEnd);
    int descriptionEnd = message.lastIndexOf("] ");
    if (descriptionEnd > firstLineEnd) {
      summary += " ... " + message.substring(descriptionEnd + 2);
    }
    return summary.replaceAll("\\s+", " ");
  }

  /** Records a case the peer cannot express, with the reason; it is not run. */
  static void notApplicable(
      String testCase, String peer, String direction, String path, String reason) {
    write(peer, String.join("\t", testCase, peer, direction, path, "n/a", clean(reason)));
  }

  private static String clean(String note) {
    return note.replaceAll("[\\t\\r\\n]+", " ").strip();
  }

  private static synchronized void write(String peer, String line) {
    // A peer's name may hold spaces, slashes and parentheses ("connect-es (connect, HTTP/1.1,
    // JSON)"): the file is named after its letters, digits, dots and dashes only.
    Path file =
        directory().resolve(peer.replaceAll("[^A-Za-z0-9.-]+", "-").replaceAll("-$", "") + ".tsv");
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(
          file,
          line + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot record an interop result in " + file, e);
    }
  }
}
