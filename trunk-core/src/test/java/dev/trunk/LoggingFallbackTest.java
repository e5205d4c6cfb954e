package dev.trunk;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Trunk's log goes to SLF4J when the application has an SLF4J provider, and to the JDK's logger
 * (java.util.logging, printing to stderr) when it has none, so that a handler's failure is never
 * silent. Each case runs {@link HandlerFailureMain} in a child JVM: which logger SLF4J binds is
 * decided once per process.
 */
class LoggingFallbackTest {
  /** A child JVM starts, serves one call and exits in well under this. */
  private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(40);

  /** Class path entries of SLF4J providers: this module's tests use slf4j-simple. */
  private static final List<String> PROVIDERS = List.of("slf4j-simple");

  @Test
  void withoutAnSlf4jProviderAHandlerFailureIsLoggedToTheJdkLoggerWithMethodPeerAndStackTrace()
      throws Exception {
    ChildJvm.Result child = ChildJvm.run(HandlerFailureMain.class, PROVIDERS, CHILD_TIMEOUT);

    assertThat(child.exited()).as("output:\n%s", child.output()).isTrue();
    assertThat(child.output())
        .contains("the client saw UNKNOWN: the server's handler failed")
        .contains("No SLF4J providers were found") // SLF4J's own warning: the fallback was needed
        .contains("WARNING: handler of trunk.test.TestService/Echo (call from /127.0.0.1:")
        .contains("java.lang.IllegalStateException: " + HandlerFailureMain.FAILURE)
        .contains("\tat dev.trunk.HandlerFailureMain.");
  }

  @Test
  void withAnSlf4jProviderTheFailureIsLoggedThroughSlf4j() throws Exception {
    ChildJvm.Result child = ChildJvm.run(HandlerFailureMain.class, List.of(), CHILD_TIMEOUT);

    assertThat(child.exited()).as("output:\n%s", child.output()).isTrue();
    assertThat(child.output())
        .contains(
            "WARN dev.trunk.internal.server.ServerCallImpl - handler of"
                + " trunk.test.TestService/Echo (call from /127.0.0.1:")
        .contains("java.lang.IllegalStateException: " + HandlerFailureMain.FAILURE)
        .doesNotContain("WARNING: handler of");
  }
}
