package dev.trunk.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Entry point of {@code trunk-bench.jar}.
 *
 * <pre>
 * java -jar trunk-bench.jar server  --port=50051 [--executor=virtual|eventloop]
 * java -jar trunk-bench.jar client  --address=127.0.0.1:50051 [--mode=...] ...
 * java -jar trunk-bench.jar compare [--quick] [--out=DIR] ...   (bench/compare.sh runs this)
 * java -jar trunk-bench.jar report  --results=DIR/results.tsv [--out=DIR]
 * java -jar trunk-bench.jar jmh     [JMH options, e.g. -f 1 -wi 3 -i 5 UnaryCall]
 * </pre>
 */
public final class BenchMain {
  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      usage();
      System.exit(2);
    }
    List<String> rest = Arrays.asList(args).subList(1, args.length);
    try {
      switch (args[0]) {
        case "server" -> BenchServerMain.run(rest);
        case "client" -> LoadClient.run(rest);
        case "compare" -> Compare.run(rest);
        case "report" -> report(rest);
        case "jmh" -> org.openjdk.jmh.Main.main(rest.toArray(String[]::new));
        case "help", "--help", "-h" -> usage();
        default -> {
          System.err.println("unknown command '" + args[0] + "'");
          usage();
          System.exit(2);
        }
      }
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(2);
    }
    if (!args[0].equals("server")) {
      System.exit(0); // Trunk's client event loops are daemon threads, but be explicit.
    }
  }

  /** Redraws the table, ratios and plots from a results file of an earlier comparison. */
  private static void report(List<String> args) throws Exception {
    Flags flags = Flags.parse(args);
    Path results = Path.of(flags.string("results", "bench/target/compare/results.tsv"));
    Path out = Path.of(flags.string("out", results.toAbsolutePath().getParent().toString()));
    flags.rejectUnknown();
    List<ResultRow> rows = ResultRow.readTsv(results);
    Report.ratios(rows).forEach(System.out::println);
    java.nio.file.Files.writeString(out.resolve("summary.md"), Report.markdown(rows));
    Report.plots(rows, out);
  }

  private static void usage() {
    System.err.println(
        """
        usage: java -jar trunk-bench.jar COMMAND [--flag=value ...]
          server   serve grpc.testing.BenchmarkService on Trunk
                   --port=50051 --host=127.0.0.1 --executor=virtual|eventloop
          client   Trunk load client, prints a JSON result
                   --address=127.0.0.1:50051 --mode=unary|streaming|server-streaming
                   --channels=1 --outstanding=1 (per channel)  or  --rate=N [--poisson]
                   --payload=100 | --req-size=B --resp-size=B  --warmup=5 --duration=10
                   --label=NAME --out=FILE.json --tsv=FILE.tsv --progress=true
          compare  Trunk vs grpc-java (use bench/compare.sh)  --quick --out=DIR
          report   redraw ratios, summary.md and plots  --results=DIR/results.tsv --out=DIR
          jmh      JMH microbenchmarks; JMH's own options (-h for its help)
        """);
  }
}
