package dev.trunk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Backpressure keeps memory bounded: 1 GiB each way through a 256 MiB heap. */
class BoundedMemoryTest {
  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void oneGibibyteEachWayFitsInASmallHeap() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process =
        new ProcessBuilder(
                List.of(
                    java,
                    "-Xmx256m",
                    "-XX:MaxDirectMemorySize=64m",
                    "-cp",
                    System.getProperty("java.class.path"),
                    BoundedMemoryMain.class.getName()))
            .redirectErrorStream(true)
            .start();
    boolean finished = process.waitFor(5, TimeUnit.MINUTES);
    String output = read(process);
    if (!finished) {
      process.destroyForcibly();
    }
    assertThat(finished).as("finished in time; output:\n%s", output).isTrue();
    assertThat(process.exitValue()).as("exit code; output:\n%s", output).isZero();
    assertThat(output).contains("uploaded=1073741824 downloaded=1073741824");
  }

  private static String read(Process process) throws IOException {
    return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }
}
