package dev.trunk;

import java.io.IOException;

/**
 * Starts a server on the port given as the only argument, which the test holds, prints why the
 * start failed and returns from {@code main}; run in a child JVM by {@link StartFailureTest}, which
 * checks that the process then exits (no thread of the failed server keeps it alive).
 */
final class BindFailureMain {
  private BindFailureMain() {}

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    try {
      Server.builder().address("127.0.0.1", port).build().start();
      System.out.println("the server started");
    } catch (IOException e) {
      System.out.println("start failed: " + e.getMessage());
    }
  }
}
