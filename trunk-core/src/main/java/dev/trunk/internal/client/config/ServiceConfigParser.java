package dev.trunk.internal.client.config;

import dev.trunk.Status;
import dev.trunk.internal.client.Policies;
import dev.trunk.internal.json.Json;
import dev.trunk.spi.LoadBalancer;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reads a service config from its JSON (gRFC A2, A6, A17, A21; grpc/grpc doc/service_config.md) and
 * picks the one for this client from DNS TXT records (gRFC A2 "Service Config in DNS").
 *
 * <p>Every field is checked; unknown fields are ignored, and a field set to {@code null} counts as
 * absent. An invalid config is rejected whole (gRFC A21) with an {@link IllegalArgumentException}
 * whose message starts with the JSON path of the bad field, e.g. {@code
 * methodConfig[0].retryPolicy.maxAttempts: must be at least 2, was 1}.
 *
 * <p>Threads: stateless; any thread.
 *
 * <pre>{@code
 * ServiceConfig config = ServiceConfigParser.parse("""
 *     {"methodConfig": [{"name": [{"service": "pkg.Greeter"}], "timeout": "1.5s"}]}""");
 * config.forMethod("pkg.Greeter/SayHello").timeout();  // PT1.5S
 * }</pre>
 */
public final class ServiceConfigParser {
  /** The attribute of the TXT record that holds the service config choices (gRFC A2, RFC 1464). */
  private static final String TXT_ATTRIBUTE = "grpc_config=";

  /** What this client matches in a choice's {@code clientLanguage} (gRFC A2; case-insensitive). */
  private static final String CLIENT_LANGUAGE = "java";

  /** The fields of a DNS service config choice; any other makes the choice invalid (gRFC A2). */
  private static final Set<String> CHOICE_FIELDS =
      Set.of("clientLanguage", "percentage", "clientHostname", "serviceConfig");

  /** A choice's percentage is a whole number in 0..100 (gRFC A2). */
  private static final int MAX_PERCENTAGE = 100;

  /** The largest value of a protobuf uint32, the type of the message size limits. */
  private static final long MAX_UINT32 = 0xFFFF_FFFFL;

  /** The largest seconds of a protobuf Duration (about 10,000 years). */
  private static final long MAX_DURATION_SECONDS = 315_576_000_000L;

  /** A protobuf Duration in JSON: seconds, up to 9 fractional digits, then 's'. */
  private static final Pattern DURATION = Pattern.compile("(-?)([0-9]+)(?:\\.([0-9]{1,9}))?s");

  /** The fewest attempts a retry or hedging policy may give (gRFC A6: must be greater than 1). */
  private static final int MIN_ATTEMPTS = 2;

  /** The upper end of retryThrottling's maxTokens range (0, 1000] (gRFC A6). */
  private static final int MAX_TOKENS = 1000;

  /** The decimal places of tokenRatio that count (gRFC A6: "up to 3 decimal places"). */
  private static final int TOKEN_RATIO_DECIMALS = 3;

  /**
   * The largest decimal exponent a whole number may have: more than any double has, and small
   * enough that a string such as "1e999999999" cannot make us build a huge integer.
   */
  private static final int MAX_DECIMAL_SCALE = 400;

  /** How much of a bad value an error message quotes. */
  private static final int MAX_QUOTED_CHARS = 80;

  private ServiceConfigParser() {}

  /**
   * Parses and checks a service config.
   *
   * @throws IllegalArgumentException if {@code json} is not JSON or any field is invalid; the
   *     message names the field's path and what it must be
   */
  public static ServiceConfig parse(String json) {
    Node root = new Node(readJson(json, "the service config"), "");
    root.requireObject();
    return new ServiceConfig(
        methodConfigs(root.field("methodConfig")),
        retryThrottling(root.field("retryThrottling")),
        loadBalancing(root),
        healthCheckServiceName(root.field("healthCheckConfig")));
  }

  /**
   * The service config this client should use from a name's TXT records (gRFC A2): the records
   * starting with {@code grpc_config=} hold a JSON array of choices, which are read in order (all
   * such records, each one whole); the first choice whose {@code clientLanguage} (when given) lists
   * "java", whose {@code clientHostname} (when given) lists {@code clientHostname}, and whose
   * {@code percentage} (when given) wins a random draw, gives its {@code serviceConfig}, written
   * back as JSON text. Empty when no record or no choice applies.
   *
   * @throws IllegalArgumentException if a record is not a JSON array of valid choices
   */
  public static Optional<String> fromDnsTxt(List<String> txtRecords, String clientHostname) {
    return fromDnsTxt(
        txtRecords, clientHostname, () -> ThreadLocalRandom.current().nextInt(MAX_PERCENTAGE));
  }

  /** {@link #fromDnsTxt(List, String)} with the draws ({@code 0..99}) from {@code draw}. */
  static Optional<String> fromDnsTxt(
      List<String> txtRecords, String clientHostname, IntSupplier draw) {
    List<Node> choices = new ArrayList<>();
    for (String record : txtRecords) {
      if (record.startsWith(TXT_ATTRIBUTE)) {
        String json = record.substring(TXT_ATTRIBUTE.length());
        Node array = new Node(readJson(json, "the grpc_config TXT record"), "grpc_config");
        for (Node choice : array.elements()) {
          checkChoice(choice);
          choices.add(choice);
        }
      }
    }
    for (Node choice : choices) {
      if (applies(choice, clientHostname, draw)) {
        return Optional.of(Json.write(choice.field("serviceConfig").value));
      }
    }
    return Optional.empty();
  }

  private static @Nullable Object readJson(String json, String what) {
    try {
      return Json.parse(json);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + " is not valid JSON: " + e.getMessage(), e);
    }
  }

  // ---- DNS choices (gRFC A2) ----------------------------------------------------------------

  private static void checkChoice(Node choice) {
    choice.requireObject();
    for (String key : choice.object().keySet()) {
      if (!CHOICE_FIELDS.contains(key)) {
        throw choice.problem(
            "unknown field \""
                + key
                + "\" in a service config choice; a choice may have only "
                + CHOICE_FIELDS
                + " (gRFC A2)");
      }
    }
    Node percentage = choice.field("percentage");
    if (!percentage.isAbsent()) {
      percentage.wholeNumber(0, MAX_PERCENTAGE);
    }
    strings(choice.field("clientLanguage"));
    strings(choice.field("clientHostname"));
    choice.field("serviceConfig").require().requireObject();
  }

  private static boolean applies(Node choice, String clientHostname, IntSupplier draw) {
    List<String> languages = strings(choice.field("clientLanguage"));
    if (!languages.isEmpty()
        && languages.stream().noneMatch(language -> language.equalsIgnoreCase(CLIENT_LANGUAGE))) {
      return false;
    }
    List<String> hostnames = strings(choice.field("clientHostname"));
    if (!hostnames.isEmpty() && !hostnames.contains(clientHostname)) {
      return false;
    }
    Node percentage = choice.field("percentage");
    return percentage.isAbsent()
        || draw.getAsInt() < percentage.wholeNumber(0, MAX_PERCENTAGE).intValueExact();
  }

  private static List<String> strings(Node list) {
    List<String> strings = new ArrayList<>();
    if (!list.isAbsent()) {
      for (Node element : list.elements()) {
        strings.add(element.string());
      }
    }
    return strings;
  }

  // ---- methodConfig -------------------------------------------------------------------------

  private static Map<String, MethodConfig> methodConfigs(Node list) {
    Map<String, MethodConfig> methods = new HashMap<>();
    if (list.isAbsent()) {
      return methods;
    }
    Map<String, String> namedAt = new HashMap<>();
    for (Node entry : list.elements()) {
      entry.requireObject();
      MethodConfig config = methodConfig(entry);
      Node names = entry.field("name");
      if (names.isAbsent()) {
        continue;
      }
      for (Node name : names.elements()) {
        String key = methodKey(name);
        String earlier = namedAt.putIfAbsent(key, name.path);
        if (earlier != null) {
          // gRFC A21: a service config naming a method more than once is invalid.
          throw name.invalid("names the same methods as " + earlier + "; give each name once");
        }
        methods.put(key, config);
      }
    }
    return methods;
  }

  /**
   * The key of a {@code name} entry in {@link ServiceConfig#methods()}: "service/method", or
   * "service/" without a method, or "/" when both are empty (the default for every method).
   */
  private static String methodKey(Node name) {
    name.requireObject();
    Node serviceField = name.field("service");
    Node methodField = name.field("method");
    String service = serviceField.isAbsent() ? "" : serviceField.string();
    String method = methodField.isAbsent() ? "" : methodField.string();
    if (service.isEmpty() && !method.isEmpty()) {
      throw name.invalid("a method needs its service: give \"service\" too");
    }
    return service + "/" + method;
  }

  private static MethodConfig methodConfig(Node entry) {
    Node timeoutField = entry.field("timeout");
    Duration timeout = timeoutField.isAbsent() ? null : timeoutField.nonNegativeDuration();
    Node waitField = entry.field("waitForReady");
    Boolean waitForReady = waitField.isAbsent() ? null : waitField.bool();
    Node retryField = entry.field("retryPolicy");
    Node hedgingField = entry.field("hedgingPolicy");
    if (!retryField.isAbsent() && !hedgingField.isAbsent()) {
      throw entry.problem(
          "has both a retryPolicy and a hedgingPolicy; a method may have only one (gRFC A6)");
    }
    return new MethodConfig(
        timeout,
        waitForReady,
        messageLimit(entry.field("maxRequestMessageBytes")),
        messageLimit(entry.field("maxResponseMessageBytes")),
        retryField.isAbsent() ? null : retryPolicy(retryField),
        hedgingField.isAbsent() ? null : hedgingPolicy(hedgingField));
  }

  /**
   * A uint32 message size limit, as a JSON number or string (the proto3 JSON mapping); a limit over
   * {@code Integer.MAX_VALUE} is {@code Integer.MAX_VALUE}, as no message can be larger.
   */
  private static @Nullable Integer messageLimit(Node field) {
    if (field.isAbsent()) {
      return null;
    }
    BigInteger bytes = field.wholeNumber(0, MAX_UINT32);
    return bytes.min(BigInteger.valueOf(Integer.MAX_VALUE)).intValueExact();
  }

  // ---- retries and hedging (gRFC A6) --------------------------------------------------------

  private static RetryPolicy retryPolicy(Node policy) {
    policy.requireObject();
    int maxAttempts = maxAttempts(policy.field("maxAttempts"));
    Duration initialBackoff = policy.field("initialBackoff").require().positiveDuration();
    Duration maxBackoff = policy.field("maxBackoff").require().positiveDuration();
    Node multiplierField = policy.field("backoffMultiplier").require();
    double multiplier = multiplierField.number().doubleValue();
    if (!(multiplier > 0)) {
      throw multiplierField.invalid("must be greater than 0");
    }
    Node codesField = policy.field("retryableStatusCodes").require();
    Set<Status.Code> codes = statusCodes(codesField);
    if (codes.isEmpty()) {
      throw codesField.invalid("must list at least one status code, such as \"UNAVAILABLE\"");
    }
    return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff, multiplier, codes);
  }

  private static HedgingPolicy hedgingPolicy(Node policy) {
    policy.requireObject();
    int maxAttempts = maxAttempts(policy.field("maxAttempts"));
    Node delayField = policy.field("hedgingDelay");
    Duration delay = delayField.isAbsent() ? Duration.ZERO : delayField.nonNegativeDuration();
    Node codesField = policy.field("nonFatalStatusCodes");
    Set<Status.Code> codes = codesField.isAbsent() ? Set.of() : statusCodes(codesField);
    return new HedgingPolicy(maxAttempts, delay, codes);
  }

  /** Required, at least 2; more than {@link ServiceConfig#MAX_ATTEMPTS} is capped (gRFC A6). */
  private static int maxAttempts(Node field) {
    field.require();
    BigInteger attempts = field.wholeNumber();
    if (attempts.compareTo(BigInteger.valueOf(MIN_ATTEMPTS)) < 0) {
      throw field.invalid("must be at least " + MIN_ATTEMPTS);
    }
    return attempts.min(BigInteger.valueOf(ServiceConfig.MAX_ATTEMPTS)).intValueExact();
  }

  /** Status codes by name ("UNAVAILABLE", any case) or number (14). */
  private static Set<Status.Code> statusCodes(Node list) {
    Set<Status.Code> codes = EnumSet.noneOf(Status.Code.class);
    for (Node element : list.elements()) {
      codes.add(statusCode(element));
    }
    return codes;
  }

  private static Status.Code statusCode(Node element) {
    if (element.value instanceof String name) {
      try {
        return Status.Code.valueOf(name.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw element.invalid("must be a status code name such as \"UNAVAILABLE\"");
      }
    }
    if (element.value instanceof Double) {
      int last = Status.Code.values().length - 1;
      return Status.Code.of(element.wholeNumber(0, last).intValueExact());
    }
    throw element.invalid("must be a status code, as a name (\"UNAVAILABLE\") or a number (14)");
  }

  private static @Nullable RetryThrottling retryThrottling(Node throttling) {
    if (throttling.isAbsent()) {
      return null;
    }
    throttling.requireObject();
    Node tokensField = throttling.field("maxTokens").require();
    int maxTokens = tokensField.wholeNumber(1, MAX_TOKENS).intValueExact();
    Node ratioField = throttling.field("tokenRatio").require();
    BigDecimal ratio = ratioField.number().setScale(TOKEN_RATIO_DECIMALS, RoundingMode.DOWN);
    if (ratio.signum() <= 0) {
      throw ratioField.invalid(
          "must be at least 0.001 (gRFC A6: up to " + TOKEN_RATIO_DECIMALS + " decimals count)");
    }
    return new RetryThrottling(maxTokens, ratio.doubleValue());
  }

  // ---- load balancing and health checking ---------------------------------------------------

  /**
   * {@code loadBalancingConfig} (gRFC A24) when given, else the deprecated {@code
   * loadBalancingPolicy} name (any case), else null for the channel's default.
   */
  private static LoadBalancer.@Nullable Choice loadBalancing(Node root) {
    Node config = root.field("loadBalancingConfig");
    if (!config.isAbsent()) {
      List<Object> entries = new ArrayList<>();
      config.elements().forEach(entry -> entries.add(entry.value));
      try {
        return Policies.select(entries);
      } catch (IllegalArgumentException e) {
        throw config.problem(e.getMessage());
      }
    }
    Node policy = root.field("loadBalancingPolicy");
    if (policy.isAbsent()) {
      return null;
    }
    String name = policy.string().toLowerCase(Locale.ROOT);
    try {
      return Policies.select(List.of(Map.of(name, Map.of())));
    } catch (IllegalArgumentException e) {
      throw policy.problem(e.getMessage());
    }
  }

  /** gRFC A17: health checking is on when {@code healthCheckConfig.serviceName} is given. */
  private static @Nullable String healthCheckServiceName(Node config) {
    if (config.isAbsent()) {
      return null;
    }
    config.requireObject();
    Node serviceName = config.field("serviceName");
    return serviceName.isAbsent() ? null : serviceName.string();
  }

  // ---- reading JSON values with their paths -------------------------------------------------

  /** A JSON value (null when absent) and its path from the root, for error messages. */
  private record Node(@Nullable Object value, String path) {
    boolean isAbsent() {
      return value == null;
    }

    Node require() {
      if (value == null) {
        throw problem("is required");
      }
      return this;
    }

    void requireObject() {
      object();
    }

    @SuppressWarnings("unchecked") // Json reads objects as Map<String, Object>
    Map<String, Object> object() {
      if (value instanceof Map<?, ?> map) {
        return (Map<String, Object>) map;
      }
      throw invalid("must be a JSON object");
    }

    Node field(String key) {
      return new Node(object().get(key), path.isEmpty() ? key : path + "." + key);
    }

    List<Node> elements() {
      if (!(value instanceof List<?> list)) {
        throw invalid("must be a JSON array");
      }
      List<Node> elements = new ArrayList<>(list.size());
      for (int i = 0; i < list.size(); i++) {
        elements.add(new Node(list.get(i), path + "[" + i + "]"));
      }
      return elements;
    }

    String string() {
      if (value instanceof String s) {
        return s;
      }
      throw invalid("must be a string");
    }

    boolean bool() {
      if (value instanceof Boolean b) {
        return b;
      }
      throw invalid("must be true or false");
    }

    BigDecimal number() {
      if (value instanceof Double d) {
        return BigDecimal.valueOf(d);
      }
      throw invalid("must be a number");
    }

    /**
     * A whole number in {@code [min, max]}, given as a JSON number or, as the proto3 JSON mapping
     * allows for integers, as a string such as "1024".
     */
    BigInteger wholeNumber(long min, long max) {
      BigInteger whole = wholeNumber();
      if (whole.compareTo(BigInteger.valueOf(min)) < 0
          || whole.compareTo(BigInteger.valueOf(max)) > 0) {
        throw invalid("must be a whole number from " + min + " to " + max);
      }
      return whole;
    }

    /** A whole number of any size, as {@link #wholeNumber(long, long)} reads it. */
    BigInteger wholeNumber() {
      try {
        BigDecimal decimal = value instanceof String s ? new BigDecimal(s) : number();
        if (Math.abs(decimal.scale()) > MAX_DECIMAL_SCALE) {
          throw new ArithmeticException("too many digits");
        }
        return decimal.toBigIntegerExact();
      } catch (NumberFormatException | ArithmeticException e) {
        throw invalid("must be a whole number");
      }
    }

    /** A protobuf Duration in JSON ("1.5s") that is zero or more. */
    Duration nonNegativeDuration() {
      Duration duration = duration();
      if (duration.isNegative()) {
        throw invalid("must not be negative");
      }
      return duration;
    }

    /** A protobuf Duration in JSON ("1.5s") greater than zero. */
    Duration positiveDuration() {
      Duration duration = duration();
      if (duration.isNegative() || duration.isZero()) {
        throw invalid("must be greater than 0s");
      }
      return duration;
    }

    private Duration duration() {
      Matcher m = value instanceof String s ? DURATION.matcher(s) : null;
      if (m == null || !m.matches()) {
        throw invalid(
            "must be a duration string: seconds with up to 9 decimals and an 's', such as"
                + " \"1.5s\"");
      }
      BigInteger seconds = new BigInteger(m.group(2));
      if (seconds.compareTo(BigInteger.valueOf(MAX_DURATION_SECONDS)) > 0) {
        throw invalid("must be at most " + MAX_DURATION_SECONDS + "s");
      }
      String fraction = m.group(3) == null ? "" : m.group(3);
      long nanos = fraction.isEmpty() ? 0 : Long.parseLong((fraction + "00000000").substring(0, 9));
      Duration duration = Duration.ofSeconds(seconds.longValueExact(), nanos);
      return m.group(1).isEmpty() ? duration : duration.negated();
    }

    IllegalArgumentException invalid(String problem) {
      return problem(problem + ", was " + quote(value));
    }

    IllegalArgumentException problem(String problem) {
      return new IllegalArgumentException(
          (path.isEmpty() ? "the service config" : path) + ": " + problem);
    }

    private static String quote(@Nullable Object value) {
      String json = Json.write(value);
      return json.length() <= MAX_QUOTED_CHARS ? json : json.substring(0, MAX_QUOTED_CHARS) + "...";
    }
  }
}
