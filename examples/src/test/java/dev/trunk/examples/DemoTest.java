package dev.trunk.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The README demo makes real calls of every kind over a loopback socket. */
class DemoTest {
  @Test
  void theDemoPrintsTheResultOfEveryCallKind() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Demo.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String output = bytes.toString(StandardCharsets.UTF_8);
    assertThat(output)
        .contains("unary SayHello: Hello, Trunk!")
        .contains("async SayHello: Hello, async!")
        .contains("unary GetFeature: Waypoint 2-3")
        .contains("server streaming ListFeatures: 6 features")
        .contains("client streaming RecordRoute: 5 points, 5 features")
        .contains("bidi streaming RouteChat: earlier note 'first'")
        .contains("server stopped");
  }
}
