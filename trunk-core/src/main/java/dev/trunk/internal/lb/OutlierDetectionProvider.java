package dev.trunk.internal.lb;

import dev.trunk.spi.LoadBalancer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Makes {@code outlier_detection_experimental} balancers (gRFC A50); registered with {@link
 * java.util.ServiceLoader}. Config fields and defaults are A50's: {@code interval} 10s, {@code
 * baseEjectionTime} 30s, {@code maxEjectionTime} 300s, {@code maxEjectionPercent} 10, the optional
 * {@code successRateEjection} and {@code failurePercentageEjection} objects (each algorithm runs
 * only when its object is present), and the required {@code childPolicy} list. Thread-safe.
 *
 * <pre>{@code
 * {"loadBalancingConfig": [{"outlier_detection_experimental": {
 *     "interval": "10s", "baseEjectionTime": "30s",
 *     "failurePercentageEjection": {"threshold": 50, "requestVolume": 20},
 *     "childPolicy": [{"round_robin": {}}]}}]}
 * }</pre>
 */
public final class OutlierDetectionProvider implements LoadBalancer.Provider {
  /** Time between ejection sweeps (A50 default). */
  static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);

  /** An endpoint's first ejection lasts this long; later ones longer (A50 default). */
  static final Duration DEFAULT_BASE_EJECTION_TIME = Duration.ofSeconds(30);

  /** The longest ejection unless baseEjectionTime is longer (A50 default). */
  static final Duration DEFAULT_MAX_EJECTION_TIME = Duration.ofSeconds(300);

  /** At most this percentage of endpoints is ejected at once, but always one (A50 default). */
  static final int DEFAULT_MAX_EJECTION_PERCENT = 10;

  /**
   * Success-rate outliers lie 1.9 standard deviations below the mean (A50 default, thousandths).
   */
  static final int DEFAULT_STDEV_FACTOR = 1900;

  /** Detected outliers are ejected with this percent chance (A50 default: always). */
  static final int DEFAULT_ENFORCEMENT_PERCENTAGE = 100;

  /** Fewest endpoints with enough calls for either algorithm to run (A50 default). */
  static final int DEFAULT_MINIMUM_HOSTS = 5;

  /** Fewest calls in an interval for an endpoint to count in success-rate ejection (A50). */
  static final int DEFAULT_SUCCESS_RATE_REQUEST_VOLUME = 100;

  /** Failure percentage at or above which an endpoint is ejected (A50 default). */
  static final int DEFAULT_FAILURE_THRESHOLD = 85;

  /** Fewest calls in an interval for an endpoint to count in failure-percentage ejection (A50). */
  static final int DEFAULT_FAILURE_PERCENTAGE_REQUEST_VOLUME = 50;

  /** Upper bound of A50's percentage fields. */
  private static final int MAX_PERCENT = 100;

  /** Called by {@link java.util.ServiceLoader}. */
  public OutlierDetectionProvider() {}

  @Override
  public String policyName() {
    return OutlierDetectionLoadBalancer.NAME;
  }

  @Override
  public Object parseConfig(Map<String, ?> json) {
    JsonFields fields = new JsonFields(OutlierDetectionLoadBalancer.NAME, json);
    Duration interval = fields.duration("interval", DEFAULT_INTERVAL);
    if (interval.isZero()) {
      throw fields.error("interval", "must be longer than zero; got \"0s\"");
    }
    return new OutlierDetectionLoadBalancer.Config(
        interval,
        fields.duration("baseEjectionTime", DEFAULT_BASE_EJECTION_TIME),
        fields.duration("maxEjectionTime", DEFAULT_MAX_EJECTION_TIME),
        (int) fields.integer("maxEjectionPercent", DEFAULT_MAX_EJECTION_PERCENT, 0, MAX_PERCENT),
        successRate(fields.object("successRateEjection")),
        failurePercentage(fields.object("failurePercentageEjection")),
        child(fields));
  }

  private static OutlierDetectionLoadBalancer.@Nullable SuccessRate successRate(
      @Nullable JsonFields fields) {
    if (fields == null) {
      return null;
    }
    return new OutlierDetectionLoadBalancer.SuccessRate(
        count(fields, "stdevFactor", DEFAULT_STDEV_FACTOR),
        (int)
            fields.integer("enforcementPercentage", DEFAULT_ENFORCEMENT_PERCENTAGE, 0, MAX_PERCENT),
        count(fields, "minimumHosts", DEFAULT_MINIMUM_HOSTS),
        count(fields, "requestVolume", DEFAULT_SUCCESS_RATE_REQUEST_VOLUME));
  }

  private static OutlierDetectionLoadBalancer.@Nullable FailurePercentage failurePercentage(
      @Nullable JsonFields fields) {
    if (fields == null) {
      return null;
    }
    return new OutlierDetectionLoadBalancer.FailurePercentage(
        (int) fields.integer("threshold", DEFAULT_FAILURE_THRESHOLD, 0, MAX_PERCENT),
        (int)
            fields.integer("enforcementPercentage", DEFAULT_ENFORCEMENT_PERCENTAGE, 0, MAX_PERCENT),
        count(fields, "minimumHosts", DEFAULT_MINIMUM_HOSTS),
        count(fields, "requestVolume", DEFAULT_FAILURE_PERCENTAGE_REQUEST_VOLUME));
  }

  private static int count(JsonFields fields, String field, int fallback) {
    return (int) fields.integer(field, fallback, 0, Integer.MAX_VALUE);
  }

  private static LoadBalancer.Choice child(JsonFields fields) {
    List<?> childPolicy = fields.list("childPolicy");
    if (childPolicy == null) {
      throw fields.error(
          "childPolicy", "is required: a loadBalancingConfig list such as [{\"round_robin\": {}}]");
    }
    try {
      return LoadBalancer.Choice.select(childPolicy);
    } catch (IllegalArgumentException e) {
      IllegalArgumentException error = fields.error("childPolicy", "is invalid: " + e.getMessage());
      error.initCause(e);
      throw error;
    }
  }

  @Override
  public LoadBalancer newLoadBalancer(LoadBalancer.Helper helper) {
    return new OutlierDetectionLoadBalancer(helper, System::nanoTime);
  }
}
