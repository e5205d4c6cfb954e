package dev.trunk.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The harness's own logic: flags, result files, and reading the other tools' output. */
class HarnessTest {
  @Test
  void parsesClientFlags() {
    Flags flags =
        Flags.parse(
            List.of(
                "--address=127.0.0.1:9000",
                "--mode=streaming",
                "--channels=50",
                "--outstanding=20",
                "--payload=1k",
                "--warmup=0.5",
                "--duration=3",
                "--progress=false"));
    LoadClient.Config config = LoadClient.Config.from(flags);
    flags.rejectUnknown();
    assertThat(config.host()).isEqualTo("127.0.0.1");
    assertThat(config.port()).isEqualTo(9000);
    assertThat(config.mode()).isEqualTo("streaming");
    assertThat(config.channels()).isEqualTo(50);
    assertThat(config.outstanding()).isEqualTo(20);
    assertThat(config.requestSize()).isEqualTo(1024);
    assertThat(config.responseSize()).isEqualTo(1024);
    assertThat(config.warmupSeconds()).isEqualTo(0.5);
    assertThat(config.openLoop()).isFalse();
    assertThat(config.progress()).isFalse();
  }

  @Test
  void openLoopIsForUnaryOnly() {
    assertThat(LoadClient.Config.from(Flags.parse(List.of("--rate=5000"))).openLoop()).isTrue();
    assertThatThrownBy(
            () -> LoadClient.Config.from(Flags.parse(List.of("--rate=10", "--mode=streaming"))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsUnknownAndMalformedFlags() {
    Flags flags = Flags.parse(List.of("--chanels=2"));
    LoadClient.Config.from(flags);
    assertThatThrownBy(flags::rejectUnknown).hasMessageContaining("--chanels");
    assertThatThrownBy(() -> Flags.parse(List.of("channels=2")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Flags.parse(List.of("--x=1", "--x=2"))).hasMessageContaining("twice");
    assertThatThrownBy(() -> Flags.parse(List.of("--duration=abc")).decimal("duration", 1))
        .hasMessageContaining("number");
  }

  @Test
  void sizesTakeSuffixes() {
    assertThat(Flags.parseSize("100")).isEqualTo(100);
    assertThat(Flags.parseSize("10k")).isEqualTo(10_240);
    assertThat(Flags.parseSize("1MB")).isEqualTo(1_048_576);
    assertThat(Flags.parseSize("1_000")).isEqualTo(1000);
  }

  @Test
  void resultRoundTripsThroughJsonAndTsv(@TempDir Path dir) throws Exception {
    LoadClient.Config config =
        LoadClient.Config.from(Flags.parse(List.of("--label=a\"b", "--outstanding=4")));
    ResultRow row = LoadClient.emptyResult(config);
    ResultRow back = ResultRow.fromJson(row.toJson());
    assertThat(back.string("label")).isEqualTo("a\"b");
    assertThat(back.number("outstanding")).isEqualTo(4);
    assertThat(back.values().keySet())
        .contains("qps", "p50_us", "p90_us", "p99_us", "p999_us", "max_us");

    Path tsv = dir.resolve("r.tsv");
    row.appendTsv(tsv);
    row.put("qps", 12.5).appendTsv(tsv);
    List<ResultRow> rows = ResultRow.readTsv(tsv);
    assertThat(Files.readAllLines(tsv)).hasSize(3);
    assertThat(rows).hasSize(2);
    assertThat(rows.get(1).number("qps")).isEqualTo(12.5);
    assertThat(rows.get(1).string("mode")).isEqualTo("unary");
  }

  @Test
  void rowsWithDifferentColumnsKeepTheirValuesInTsv(@TempDir Path dir) throws Exception {
    Path tsv = dir.resolve("r.tsv");
    new ResultRow().put("server", "a").put("p50_us", 7.0).put("qps", 100.0).appendTsv(tsv);
    new ResultRow().put("server", "b").put("qps", 200.0).put("cpu_us_per_call", 3.5).appendTsv(tsv);

    List<ResultRow> rows = ResultRow.readTsv(tsv);

    assertThat(rows).hasSize(2);
    assertThat(rows.get(0).number("qps")).isEqualTo(100);
    assertThat(rows.get(0).number("cpu_us_per_call")).isNaN();
    assertThat(rows.get(1).number("qps")).isEqualTo(200);
    assertThat(rows.get(1).number("cpu_us_per_call")).isEqualTo(3.5);
    assertThat(rows.get(1).number("p50_us")).isNaN();
  }

  @Test
  void readsAsyncClientAndH2loadOutput() {
    ResultRow row = new ResultRow();
    Compare.parseAsyncClient(
        """
        Channels:                       1
        50%ile Latency (in micros):     3247
        90%ile Latency (in micros):     8127
        95%ile Latency (in micros):     11903
        99%ile Latency (in micros):     43775
        99.9%ile Latency (in micros):   250879
        Maximum Latency (in micros):    250879
        QPS:                            187
        """,
        row);
    assertThat(row.number("p50_us")).isEqualTo(3247);
    assertThat(row.number("p999_us")).isEqualTo(250879);
    assertThat(row.number("qps")).isEqualTo(187);

    ResultRow h2 = new ResultRow();
    Compare.parseH2load(
        """
        finished in 1.23s, 16260.16 req/s, 2.74MB/s
        requests: 20000 total, 20000 started, 20000 done, 19990 succeeded, 10 failed, 0 errored
        time for request:      118us      3.45ms       980us       210us    75.00%
        """,
        h2);
    assertThat(h2.number("qps")).isEqualTo(16260.16);
    assertThat(h2.number("calls")).isEqualTo(19990);
    assertThat(h2.number("errors")).isEqualTo(10);
    assertThat(h2.number("mean_us")).isEqualTo(980);
    assertThat(h2.number("max_us")).isEqualTo(3450);
  }

  @Test
  void ratiosPairTrunkWithGrpcJava() {
    ResultRow trunk =
        new ResultRow()
            .put("server", "trunk")
            .put("impl", "trunk")
            .put("scenario", "unary-throughput")
            .put("load", "grpc-java-async")
            .put("channels", 1)
            .put("in_flight", 16)
            .put("payload", 100)
            .put("qps", 30_000.0);
    ResultRow grpc =
        new ResultRow()
            .put("server", "grpc-java")
            .put("impl", "grpc-java")
            .put("scenario", "unary-throughput")
            .put("load", "grpc-java-async")
            .put("channels", 1)
            .put("in_flight", 16)
            .put("payload", 100)
            .put("qps", 20_000.0);
    assertThat(Report.ratios(List.of(trunk, grpc)))
        .singleElement()
        .asString()
        .startsWith("RATIO unary-throughput-1conn-16inflight[default] qps trunk/grpc-java = 1.500");
  }

  @Test
  void telemetryServersAreComparedWithTrunkWithoutIt() {
    ResultRow off = h2loadRow("trunk", 40_000.0, 20.0);
    ResultRow traced = h2loadRow("trunk-telemetry-0.01", 38_000.0, 21.0);
    assertThat(Report.ratios(List.of(off, traced)))
        .anySatisfy(
            line ->
                assertThat(line)
                    .startsWith(
                        "RATIO h2load-unary-16inflight-100B[telemetry cost] qps"
                            + " trunk-telemetry-0.01/trunk = 0.950"))
        .anySatisfy(
            line ->
                assertThat(line)
                    .startsWith(
                        "RATIO h2load-unary-16inflight-100B[telemetry cost] cpu_us_per_call"
                            + " trunk-telemetry-0.01/trunk = 1.050"));
  }

  @Test
  void grpcJavasTelemetryServersAreComparedWithGrpcJavaWithoutIt() {
    ResultRow trunk = h2loadRow("trunk", 40_000.0, 20.0);
    ResultRow grpc = h2loadRow("grpc-java", 30_000.0, 25.0);
    ResultRow traced = h2loadRow("grpc-java-telemetry-0.01", 27_000.0, 30.0);
    assertThat(Report.ratios(List.of(trunk, grpc, traced)))
        .anySatisfy(
            line ->
                assertThat(line)
                    .startsWith(
                        "RATIO h2load-unary-16inflight-100B[telemetry cost] qps"
                            + " grpc-java-telemetry-0.01/grpc-java = 0.900"))
        .anySatisfy(
            line ->
                assertThat(line)
                    .startsWith(
                        "RATIO h2load-unary-16inflight-100B[telemetry cost] cpu_us_per_call"
                            + " grpc-java-telemetry-0.01/grpc-java = 1.200"))
        .noneSatisfy(line -> assertThat(line).contains("grpc-java-telemetry-0.01/trunk"));
  }

  private static ResultRow h2loadRow(String server, double qps, double cpuMicrosPerCall) {
    return new ResultRow()
        .put("server", server)
        .put("impl", "trunk")
        .put("scenario", "h2load-unary")
        .put("load", "h2load")
        .put("in_flight", 16)
        .put("payload", 100)
        .put("qps", qps)
        .put("cpu_us_per_call", cpuMicrosPerCall);
  }
}
