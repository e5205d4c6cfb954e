package dev.trunk.interop;

import java.util.Arrays;

/**
 * Entry point of {@code trunk-interop.jar}: {@code server [flags]} runs the interop server, {@code
 * client [flags]} runs one interop test case.
 */
public final class InteropMain {
  private InteropMain() {}

  public static void main(String[] args) throws Exception {
    String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
    String command = args.length == 0 ? "" : args[0];
    switch (command) {
      case "server" -> InteropServer.main(rest);
      case "client" -> System.exit(InteropClient.run(rest));
      default -> {
        System.err.println(
            "usage: java -jar trunk-interop.jar server --port=N --use_tls=BOOL [--address=IP]\n"
                + "       java -jar trunk-interop.jar client --server_host=H --server_port=N"
                + " --test_case=NAME [--use_tls=BOOL --use_test_ca=BOOL"
                + " --server_host_override=NAME]\n"
                + "       java -jar trunk-interop.jar client --target=TARGET --test_case=NAME"
                + " [--service_config_json=JSON ...]\n"
                + "Give --help after server or client for details.");
        System.exit(2);
      }
    }
  }
}
