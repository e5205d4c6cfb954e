package dev.trunk.opentelemetry;

import java.util.List;

/** Histogram bucket boundaries, given to the SDK as advice (a user's view may override them). */
final class Buckets {
  /**
   * Latency, in seconds: gRFC A66's boundaries, 0 to 100 s, fine below 1 ms for unary calls on a
   * fast network.
   */
  static final List<Double> LATENCY_SECONDS =
      List.of(
          0.0, 0.00001, 0.00005, 0.0001, 0.0003, 0.0006, 0.0008, 0.001, 0.002, 0.003, 0.004, 0.005,
          0.006, 0.008, 0.01, 0.013, 0.016, 0.02, 0.025, 0.03, 0.04, 0.05, 0.065, 0.08, 0.1, 0.13,
          0.16, 0.2, 0.25, 0.3, 0.4, 0.5, 0.65, 0.8, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0);

  /** Message bytes per call or attempt: gRFC A66's boundaries, 0 to 4 GiB. */
  static final List<Long> SIZE_BYTES =
      List.of(
          0L,
          1024L,
          2048L,
          4096L,
          16384L,
          65536L,
          262144L,
          1048576L,
          4194304L,
          16777216L,
          67108864L,
          268435456L,
          1073741824L,
          4294967296L);

  /**
   * Stream lifetime, in seconds: 0.1 s to 24 h, since a watch or chat stream lives for minutes to
   * days and would land entirely in A66's last (100 s) bucket.
   */
  static final List<Double> STREAM_SECONDS =
      List.of(
          0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0, 300.0, 600.0, 1800.0, 3600.0, 7200.0, 14400.0,
          28800.0, 43200.0, 86400.0);

  private Buckets() {}
}
