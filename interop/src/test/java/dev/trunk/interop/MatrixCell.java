package dev.trunk.interop;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What the matrix does with one case on one path, and how it records the result: run it (pass or
 * fail), record it as not applicable without running it, or run it as a known peer limit.
 *
 * <p>A known limit is a case the peer cannot pass for a documented reason. It still runs: if it
 * passes, the cell is a pass (the peer has caught up); if it fails with the known failure (its
 * signature in the client's output), the cell is n/a with the reason, and the run's log is the
 * evidence; any other failure is a failure. A known limit may name a stand-in case that runs what
 * the peer can run (for example {@code client_compressed_unary_noprobe}); the stand-in must pass,
 * or the cell fails.
 */
final class MatrixCell {
  /** Runs one client case and reports how it ended. */
  @FunctionalInterface
  interface Launcher {
    ClientRun run(String testCase);
  }

  /** How one client run ended. */
  record ClientRun(
      String testCase,
      @Nullable Integer exit,
      boolean unsupported,
      String output,
      String description,
      String log) {
    boolean passed() {
      return exit != null && exit == 0;
    }

    /** The lines a note quotes: Trunk's client "note:" lines on a pass, else the failure. */
    String summary() {
      if (exit == null) {
        return "timed out after " + InteropEnv.CLIENT_TIMEOUT + " (log " + log + ")";
      }
      List<String> lines = output.lines().map(String::strip).toList();
      if (passed()) {
        return String.join(
            " ",
            lines.stream().filter(l -> l.startsWith("note:")).map(l -> l.substring(5)).toList());
      }
      String first =
          lines.stream()
              .filter(
                  l ->
                      l.startsWith("FAILED")
                          || l.startsWith("UNSUPPORTED")
                          || l.contains("Exception")
                          || l.contains("Error"))
              .filter(l -> !l.startsWith("at ") && !l.startsWith("WARNING"))
              .findFirst()
              .orElse("exit " + exit);
      if (first.length() > 400) {
        first = first.substring(0, 400) + "…";
      }
      return first + " (log " + log + ")";
    }
  }

  private enum Kind {
    RUN,
    KNOWN_LIMIT,
    NOT_APPLICABLE
  }

  private final String testCase;
  private final Kind kind;
  private final String reason;
  private final String signature;
  private final @Nullable String standIn;

  private MatrixCell(
      String testCase, Kind kind, String reason, String signature, @Nullable String standIn) {
    this.testCase = testCase;
    this.kind = kind;
    this.reason = reason;
    this.signature = signature;
    this.standIn = standIn;
  }

  /** Runs the case; it must pass. */
  static MatrixCell run(String testCase) {
    return new MatrixCell(testCase, Kind.RUN, "", "", null);
  }

  /** Does not run the case: on this path it means nothing, for {@code reason}. */
  static MatrixCell notApplicable(String testCase, String reason) {
    return new MatrixCell(testCase, Kind.NOT_APPLICABLE, reason, "", null);
  }

  /**
   * Runs the case, expecting the peer's known failure: output containing {@code signature} makes
   * the cell n/a for {@code reason}.
   */
  static MatrixCell knownLimit(String testCase, String signature, String reason) {
    return new MatrixCell(testCase, Kind.KNOWN_LIMIT, reason, signature, null);
  }

  /** After the known failure, also runs {@code standInCase}, which must pass. */
  MatrixCell withStandIn(String standInCase) {
    return new MatrixCell(testCase, kind, reason, signature, standInCase);
  }

  String testCase() {
    return testCase;
  }

  /**
   * Runs the cell and records it in the matrix.
   *
   * @throws AssertionError if the cell failed (after recording it)
   */
  void evaluate(String peer, String direction, String path, Launcher launcher) {
    if (kind == Kind.NOT_APPLICABLE) {
      MatrixResults.notApplicable(testCase, peer, direction, path, reason);
      return;
    }
    ClientRun run;
    try {
      run = launcher.run(testCase);
    } catch (RuntimeException | AssertionError e) {
      // No server (or proxy) to call: the cell failed without a client run.
      MatrixResults.record(testCase, peer, direction, path, false, "not run: " + firstLine(e));
      throw e;
    }
    if (run.passed()) {
      MatrixResults.record(testCase, peer, direction, path, true, run.summary());
      return;
    }
    if (run.unsupported()) {
      // Trunk's client said it cannot express the case (exit 3), with its reason.
      String why = kind == Kind.KNOWN_LIMIT ? reason : run.summary();
      MatrixResults.notApplicable(testCase, peer, direction, path, why);
      return;
    }
    if (kind == Kind.KNOWN_LIMIT && run.output().contains(signature)) {
      String note = reason;
      if (standIn != null) {
        ClientRun stand = launcher.run(standIn);
        if (!stand.passed()) {
          MatrixResults.record(
              testCase,
              peer,
              direction,
              path,
              false,
              reason + " Its stand-in " + standIn + " failed too: " + stand.summary());
          throw new AssertionError(
              testCase
                  + " failed as known ("
                  + reason
                  + "), but its stand-in "
                  + standIn
                  + " failed as well"
                  + stand.description());
        }
        // Named relative to the case, so one footnote serves every case with the same limit.
        String variant =
            standIn.startsWith(testCase) ? standIn.substring(testCase.length()) : standIn;
        note = reason + " Its stand-in, the case's " + variant + " variant, passed.";
      }
      MatrixResults.notApplicable(testCase, peer, direction, path, note);
      return;
    }
    MatrixResults.record(testCase, peer, direction, path, false, run.summary());
    throw new AssertionError(
        testCase
            + " failed on the "
            + path
            + " path"
            + (kind == Kind.KNOWN_LIMIT
                ? " (not with the known failure '" + signature + "': " + reason + ")"
                : "")
            + run.description());
  }

  private static String firstLine(Throwable e) {
    String message = String.valueOf(e.getMessage()).strip();
    int newline = message.indexOf('\n');
    String first = newline < 0 ? message : message.substring(0, newline);
    return first.length() > 300 ? first.substring(0, 300) + "…" : first;
  }

  @Override
  public String toString() {
    return testCase + " (" + kind.name().toLowerCase(java.util.Locale.ROOT) + ")";
  }
}
