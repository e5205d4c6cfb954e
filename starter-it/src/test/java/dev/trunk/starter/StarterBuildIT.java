package dev.trunk.starter;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Builds examples/starter as a user does after {@code ./mvnw install}: a copy outside the
 * repository, built by its own wrapper with {@code ./mvnw -B verify}.
 *
 * <p>The local repository is the staged one (this build's artifacts, put there by invoker:install)
 * backed by the user's, read-only ({@code maven.repo.local.tail}), so Trunk comes from this build
 * and everything else from the usual cache or Maven Central.
 */
class StarterBuildIT {
  /** A cold starter build downloads its plugins; a warm one takes well under a minute. */
  private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(10);

  /** How much of the build's output a failure shows. */
  private static final int LOG_TAIL_LINES = 80;

  /** The starter's test class and how many tests it has; its surefire report must say so. */
  private static final String STARTER_TEST = "com.example.starter.GreeterServiceTest";

  private static final int STARTER_TEST_COUNT = 2;

  private static final Path STARTER = Path.of(System.getProperty("starter.dir"));
  private static final Path WORK = Path.of(System.getProperty("starter.work.dir"));
  private static final String STAGING_REPO = System.getProperty("staging.repo");
  private static final String USER_REPO = System.getProperty("user.repo");
  private static final String TRUNK_VERSION = System.getProperty("trunk.version");
  private static final String MAVEN_JAVA_HOME = System.getProperty("maven.java.home");

  @Test
  void starterBuildsAndPassesItsTestAgainstThisBuildsArtifacts() throws Exception {
    assertThat(Files.readString(STARTER.resolve("pom.xml")))
        .as("examples/starter/pom.xml must use this build's version of Trunk; update trunk.version")
        .contains("<trunk.version>" + TRUNK_VERSION + "</trunk.version>");
    Path copy = WORK.resolve("starter");
    deleteRecursively(WORK);
    Files.createDirectories(WORK);
    copyTree(STARTER, copy);

    Path log = WORK.resolve("build.log");
    ProcessBuilder build =
        new ProcessBuilder(
                "./mvnw",
                "-B",
                "-Dmaven.repo.local=" + STAGING_REPO,
                "-Dmaven.repo.local.tail=" + USER_REPO,
                "verify")
            .directory(copy.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    // Maven runs on the JDK this build's Maven runs on (maybe 17); the starter must find a 21+.
    build.environment().put("JAVA_HOME", MAVEN_JAVA_HOME);
    // Set by this build's own mvnw; the starter's must find its own project directory.
    build.environment().remove("MAVEN_PROJECTBASEDIR");
    build.environment().remove("MAVEN_BASEDIR");
    Process process = build.start();
    if (!process.waitFor(BUILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      throw new AssertionError("starter build took over " + BUILD_TIMEOUT + "\n" + tail(log));
    }
    assertThat(process.exitValue()).as("starter build exit code\n%s", tail(log)).isZero();

    Path report = copy.resolve("target/surefire-reports/TEST-" + STARTER_TEST + ".xml");
    assertThat(report).as("the starter's test report\n%s", tail(log)).exists();
    assertThat(Files.readString(report))
        .contains("tests=\"" + STARTER_TEST_COUNT + "\"")
        .contains("failures=\"0\"")
        .contains("errors=\"0\"")
        .contains("skipped=\"0\"");
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path file : files.filter(f -> !from.relativize(f).startsWith("target")).toList()) {
        Files.copy(
            file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }

  private static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log);
    return String.join(
        "\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
  }
}
