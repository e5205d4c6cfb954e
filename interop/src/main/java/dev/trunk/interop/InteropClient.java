package dev.trunk.interop;

import com.google.protobuf.ByteString;
import dev.trunk.BidiStreamingCall;
import dev.trunk.CallInfo;
import dev.trunk.CallObserver;
import dev.trunk.CallOptions;
import dev.trunk.Channel;
import dev.trunk.ClientStreamingCall;
import dev.trunk.Interceptor;
import dev.trunk.Metadata;
import dev.trunk.ResponseStream;
import dev.trunk.Status;
import dev.trunk.StatusException;
import dev.trunk.TlsConfig;
import io.grpc.testing.integration.EmptyProtos.Empty;
import io.grpc.testing.integration.Messages.BoolValue;
import io.grpc.testing.integration.Messages.EchoStatus;
import io.grpc.testing.integration.Messages.Payload;
import io.grpc.testing.integration.Messages.PayloadType;
import io.grpc.testing.integration.Messages.ResponseParameters;
import io.grpc.testing.integration.Messages.SimpleRequest;
import io.grpc.testing.integration.Messages.SimpleResponse;
import io.grpc.testing.integration.Messages.StreamingInputCallRequest;
import io.grpc.testing.integration.Messages.StreamingInputCallResponse;
import io.grpc.testing.integration.Messages.StreamingOutputCallRequest;
import io.grpc.testing.integration.Messages.StreamingOutputCallResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The Trunk interop client: runs one test case of interop-test-descriptions.md against a server and
 * checks everything the case says the client asserts.
 *
 * <p>Exit status: 0 passed, 1 failed, 2 bad flags, 3 the case is not supported by Trunk.
 */
public final class InteropClient {
  static final int EXIT_PASSED = 0;
  static final int EXIT_FAILED = 1;
  static final int EXIT_USAGE = 2;
  static final int EXIT_UNSUPPORTED = 3;

  private static final Set<String> FLAGS =
      Set.of(
          "server_host",
          "server_port",
          "server_host_override",
          "test_case",
          "use_tls",
          "use_test_ca",
          "soak_iterations",
          "soak_max_failures",
          "soak_per_iteration_max_acceptable_latency_ms",
          "soak_overall_timeout_seconds",
          "soak_min_time_ms_between_rpcs",
          "soak_request_size",
          "soak_response_size",
          "service_config_json",
          "target",
          "protocol",
          "http_version",
          // Accepted for compatibility with interop runners; only the cloud-to-prod cases use them.
          "default_service_account",
          "oauth_scope",
          "service_account_key_file");

  /** Every call but timeout_on_sleeping_server gets this deadline, so a hung call fails. */
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

  /** {@code --protocol} values and the channel protocol each selects. */
  private static final Map<String, Channel.Protocol> PROTOCOLS =
      Map.of(
          "grpc", Channel.Protocol.GRPC,
          "grpc-web", Channel.Protocol.GRPC_WEB,
          "connect", Channel.Protocol.CONNECT);

  /** {@code --http_version} values. */
  private static final Set<String> HTTP_VERSIONS = Set.of("1.1", "2");

  /**
   * Why a case that needs FullDuplexCall to be full duplex cannot run over HTTP/1.1 (Trunk's client
   * fails a bidi-streaming call there with UNIMPLEMENTED, see {@code Channel.Builder.http1()}).
   */
  static final String NO_BIDI_OVER_HTTP1 =
      "FullDuplexCall is bidirectional streaming, which needs HTTP/2: over HTTP/1.1 the whole"
          + " request is sent before the response, so request and response messages cannot"
          + " alternate (Trunk's HTTP/1.1 channel fails bidi-streaming calls with UNIMPLEMENTED)";

  /**
   * How long timeout_on_sleeping_server's stand-in over HTTP/1.1 has the server wait before its one
   * response: far longer than the call's 1 ms deadline, so the deadline must end the call.
   */
  private static final int SLEEPING_INTERVAL_US = 2_000_000;

  private static final String ECHO_INITIAL_VALUE = "test_initial_metadata_value";
  private static final byte[] ECHO_TRAILING_VALUE = {(byte) 0xab, (byte) 0xab, (byte) 0xab};
  private static final String SPECIAL_STATUS_MESSAGE =
      "\t\ntest with whitespace\r\nand Unicode BMP \u263A and non-BMP \uD83D\uDE08\t\n";

  /** A test case body; throws AssertionError or StatusException on failure. */
  @FunctionalInterface
  private interface Case {
    void run() throws Exception;
  }

  /** Thrown by a case Trunk cannot run; the client exits with {@link #EXIT_UNSUPPORTED}. */
  private static final class UnsupportedCase extends Exception {
    private static final long serialVersionUID = 1L;

    UnsupportedCase(String message) {
      super(message);
    }
  }

  /** A call that is expected to fail with a status. */
  @FunctionalInterface
  private interface FailingCall {
    void run();
  }

  /**
   * How to reach the server: every channel of a run (channel_soak opens many) is built alike.
   *
   * @param target the Trunk target ({@code --target}), or null to use {@code host} and {@code port}
   * @param serviceConfig the channel's default service config ({@code --service_config_json}), or
   *     null for none
   * @param protocol the wire protocol ({@code --protocol})
   * @param http1 whether the channel speaks HTTP/1.1 ({@code --http_version=1.1}) instead of HTTP/2
   */
  private record Target(
      @Nullable String target,
      String host,
      int port,
      String hostOverride,
      boolean useTls,
      boolean useTestCa,
      @Nullable String serviceConfig,
      Channel.Protocol protocol,
      boolean http1) {

    /**
     * A channel to the server.
     *
     * @throws IllegalArgumentException if {@code --target} or {@code --service_config_json} is
     *     invalid; the message names the flag and the problem
     */
    Channel open(Interceptor... interceptors) {
      Channel.Builder builder =
          target == null ? Channel.forAddress(host, port) : Channel.forTarget(target);
      for (Interceptor interceptor : interceptors) {
        builder.intercept(interceptor);
      }
      builder.protocol(protocol);
      if (http1) {
        builder.http1();
      }
      if (useTls) {
        TlsConfig.Builder tls = TlsConfig.builder();
        if (useTestCa) {
          tls.trust(TestCerts.caPem());
        }
        builder.tls(tls.build());
      } else {
        builder.plaintext();
      }
      if (!hostOverride.isEmpty()) {
        // With --target there is no one port: the override is the whole authority.
        builder.overrideAuthority(target == null ? hostOverride + ":" + port : hostOverride);
      }
      if (serviceConfig != null) {
        try {
          builder.defaultServiceConfig(serviceConfig);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("--service_config_json: " + e.getMessage(), e);
        }
      }
      try {
        return builder.build();
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            (target == null ? "--server_host=" + host : "--target=" + target)
                + ": "
                + e.getMessage(),
            e);
      }
    }

    @Override
    public String toString() {
      String transport = useTls ? "TLS" : "plaintext";
      if (protocol != Channel.Protocol.GRPC || http1) {
        String name = protocol.name().toLowerCase(Locale.ROOT).replace('_', '-');
        transport += ", " + name + " over HTTP/" + (http1 ? "1.1" : "2");
      }
      return (target == null ? host + ":" + port : target) + " (" + transport + ")";
    }

    /** The server as the soak log names it. */
    String peer() {
      return target == null ? host + ":" + port : target;
    }
  }

  /** The soak flags of interop-test-descriptions.md (rpc_soak, channel_soak). */
  private record SoakConfig(
      int iterations,
      int maxFailures,
      int maxAcceptableLatencyMs,
      int overallTimeoutSeconds,
      int minTimeMsBetweenRpcs,
      int requestSize,
      int responseSize) {
    static SoakConfig from(Flags flags) throws Flags.UsageException {
      int iterations = flags.count("soak_iterations", 10);
      int latency = flags.count("soak_per_iteration_max_acceptable_latency_ms", 1000);
      // The spec's default: the per-iteration limit times the iterations.
      int overallDefault = (int) Math.max(1, ((long) latency * iterations + 999) / 1000);
      return new SoakConfig(
          iterations,
          flags.count("soak_max_failures", 0),
          latency,
          flags.count("soak_overall_timeout_seconds", overallDefault),
          flags.count("soak_min_time_ms_between_rpcs", 0),
          flags.count("soak_request_size", 271828),
          flags.count("soak_response_size", 314159));
    }
  }

  private final Target target;
  private final Channel channel;
  private final Capture capture;
  private final SoakConfig soak;
  private final CallOptions options = CallOptions.DEFAULT.withTimeout(CALL_TIMEOUT);
  private final List<String> notes = new ArrayList<>();

  private InteropClient(Target target, Channel channel, Capture capture, SoakConfig soak) {
    this.target = target;
    this.channel = channel;
    this.capture = capture;
    this.soak = soak;
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the test case the flags name; returns the exit status. */
  public static int run(String[] args) {
    Target target;
    String testCase;
    SoakConfig soak;
    try {
      Flags flags = Flags.parse(args, FLAGS);
      int port = flags.port("server_port", 8080);
      if (port == 0) {
        throw new Flags.UsageException("--server_port must not be 0");
      }
      target =
          new Target(
              nonEmpty(flags, "target"),
              flags.string("server_host", "localhost"),
              port,
              flags.string("server_host_override", ""),
              flags.bool("use_tls", false),
              flags.bool("use_test_ca", false),
              nonEmpty(flags, "service_config_json"),
              protocol(flags),
              http1(flags));
      testCase = flags.string("test_case", "empty_unary");
      soak = SoakConfig.from(flags);
    } catch (Flags.UsageException e) {
      if (!e.getMessage().isEmpty()) {
        System.err.println(e.getMessage());
      }
      System.err.println(usage());
      return EXIT_USAGE;
    }

    Capture capture = new Capture();
    Channel channel;
    try {
      channel = target.open(capture);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(usage());
      return EXIT_USAGE;
    }
    InteropClient client = new InteropClient(target, channel, capture, soak);
    Map<String, Case> cases = client.cases();
    Case body = cases.get(testCase);
    if (body == null) {
      channel.shutdownNow();
      System.err.println("unknown --test_case=" + testCase + "; known: " + cases.keySet());
      return EXIT_USAGE;
    }

    try {
      body.run();
      channel.close();
      for (String note : client.notes) {
        System.out.println("note: " + note);
      }
      System.out.println("PASSED " + testCase + " against " + target);
      return EXIT_PASSED;
    } catch (UnsupportedCase e) {
      channel.shutdownNow();
      System.out.println("UNSUPPORTED " + testCase + ": " + e.getMessage());
      return EXIT_UNSUPPORTED;
    } catch (Throwable e) {
      channel.shutdownNow();
      System.err.println("FAILED " + testCase + " against " + target + ": " + e);
      e.printStackTrace(System.err);
      return EXIT_FAILED;
    }
  }

  /** {@code --protocol}: grpc (the default), grpc-web or connect. */
  private static Channel.Protocol protocol(Flags flags) throws Flags.UsageException {
    String name = flags.string("protocol", "grpc");
    Channel.Protocol protocol = PROTOCOLS.get(name);
    if (protocol == null) {
      throw new Flags.UsageException(
          "--protocol=" + name + " is not one of " + new java.util.TreeSet<>(PROTOCOLS.keySet()));
    }
    return protocol;
  }

  /** {@code --http_version}: true for 1.1, which only gRPC-Web and Connect can use. */
  private static boolean http1(Flags flags) throws Flags.UsageException {
    String version = flags.string("http_version", "2");
    if (!HTTP_VERSIONS.contains(version)) {
      throw new Flags.UsageException("--http_version=" + version + " is not 1.1 or 2");
    }
    if (version.equals("2")) {
      return false;
    }
    if (protocol(flags) == Channel.Protocol.GRPC) {
      throw new Flags.UsageException(
          "--http_version=1.1 needs --protocol=grpc-web or --protocol=connect: gRPC runs over"
              + " HTTP/2 only (PROTOCOL-HTTP2.md)");
    }
    return true;
  }

  /** The value of flag {@code name}, null if not given; given but empty is a usage error. */
  private static @Nullable String nonEmpty(Flags flags, String name) throws Flags.UsageException {
    if (!flags.has(name)) {
      return null;
    }
    String value = flags.string(name, "");
    if (value.isBlank()) {
      throw new Flags.UsageException("--" + name + " must not be empty");
    }
    return value;
  }

  private static String usage() {
    return "usage: client --server_host=HOST --server_port=PORT --test_case=NAME\n"
        + "       client --target=TARGET --test_case=NAME\n"
        + "              [--use_tls=true|false] [--use_test_ca=true|false]"
        + " [--server_host_override=NAME]\n"
        + "              [--protocol=grpc|grpc-web|connect (default grpc)]"
        + " [--http_version=1.1|2 (default 2;\n"
        + "               1.1 only with grpc-web or connect, in plaintext)]\n"
        + "              [--service_config_json=JSON (the channel's default service config:"
        + " methodConfig,\n"
        + "               retryPolicy, hedgingPolicy, retryThrottling, loadBalancingConfig)]\n"
        + "              [--soak_iterations=N --soak_max_failures=N"
        + " --soak_per_iteration_max_acceptable_latency_ms=MS\n"
        + "               --soak_overall_timeout_seconds=S --soak_min_time_ms_between_rpcs=MS"
        + " --soak_request_size=BYTES --soak_response_size=BYTES]\n"
        + "  --target is any Trunk target and overrides --server_host and --server_port:"
        + " host:port,\n"
        + "  dns:///host:port, ipv4:127.0.0.1:P1,127.0.0.2:P2, ipv6:[::1]:P, unix:/path,"
        + " unix-abstract:name,\n"
        + "  passthrough:///host:port. With --target, --server_host_override is the whole"
        + " :authority.\n"
        + "  Over HTTP/1.1 ping_pong, empty_stream and cancel_after_first_response are unsupported"
        + " (exit 3: they\n"
        + "  need a full-duplex FullDuplexCall); custom_metadata, status_code_and_message and\n"
        + "  timeout_on_sleeping_server run their streaming call as a StreamingOutputCall.";
  }

  private Map<String, Case> cases() {
    Map<String, Case> cases = new LinkedHashMap<>();
    cases.put("empty_unary", this::emptyUnary);
    cases.put("cacheable_unary", this::cacheableUnary);
    cases.put("large_unary", this::largeUnary);
    cases.put("client_compressed_unary", () -> clientCompressedUnary(true));
    cases.put("client_compressed_unary_noprobe", () -> clientCompressedUnary(false));
    cases.put("server_compressed_unary", this::serverCompressedUnary);
    cases.put("client_streaming", this::clientStreaming);
    cases.put("client_compressed_streaming", () -> clientCompressedStreaming(true));
    cases.put("client_compressed_streaming_noprobe", () -> clientCompressedStreaming(false));
    cases.put("server_streaming", this::serverStreaming);
    cases.put("server_compressed_streaming", this::serverCompressedStreaming);
    cases.put("ping_pong", this::pingPong);
    cases.put("empty_stream", this::emptyStream);
    cases.put("custom_metadata", this::customMetadata);
    cases.put("status_code_and_message", this::statusCodeAndMessage);
    cases.put("special_status_message", this::specialStatusMessage);
    cases.put("unimplemented_method", this::unimplementedMethod);
    cases.put("unimplemented_service", this::unimplementedService);
    cases.put("cancel_after_begin", this::cancelAfterBegin);
    cases.put("cancel_after_first_response", this::cancelAfterFirstResponse);
    cases.put("timeout_on_sleeping_server", this::timeoutOnSleepingServer);
    cases.put("very_large_request", this::veryLargeRequest);
    cases.put("pick_first_unary", this::pickFirstUnary);
    cases.put("rpc_soak", () -> soak(false));
    cases.put("channel_soak", () -> soak(true));
    return cases;
  }

  // ---------------------------------------------------------------------------------------------
  // Test cases

  private void emptyUnary() {
    Empty response = channel.unaryCall(TestMethods.EMPTY_CALL, Empty.getDefaultInstance(), options);
    check(response != null, "EmptyCall returned no response");
    check(
        response.getSerializedSize() == 0,
        "EmptyCall response is " + response.getSerializedSize() + " bytes, expected 0");
  }

  /**
   * cacheable_unary. The spec's client marks both calls cacheable, so they go out as GET requests
   * that a caching proxy in front of the server answers the second time from its cache. Trunk's
   * client sends them as GET with {@code --protocol=connect} (the method is marked {@code
   * NO_SIDE_EFFECTS}), and as POST, which no cache answers, with gRPC and gRPC-Web. Either way it
   * checks what the server owes (both calls answered, cache-control headers), and reports the case
   * unsupported when the payloads differ: no cache answered the second call.
   */
  private void cacheableUnary() throws UnsupportedCase {
    String now = Long.toString(System.nanoTime());
    SimpleRequest request =
        SimpleRequest.newBuilder()
            .setPayload(Payload.newBuilder().setBody(ByteString.copyFromUtf8(now)))
            .build();
    CallOptions cacheable = options.withMetadata(new Metadata().add("x-user-ip", "1.2.3.4"));
    SimpleResponse first = channel.unaryCall(TestMethods.CACHEABLE_UNARY_CALL, request, cacheable);
    Metadata headers = capture.headers;
    String cacheControl = headers == null ? null : headers.get("cache-control");
    SimpleResponse second = channel.unaryCall(TestMethods.CACHEABLE_UNARY_CALL, request, cacheable);
    if (first.getPayload().getBody().equals(second.getPayload().getBody())) {
      notes.add("the second CacheableUnaryCall was answered from a cache");
      return;
    }
    check(
        cacheControl != null,
        "CacheableUnaryCall: the server sent no cache-control header, so no proxy may cache it");
    throw new UnsupportedCase(
        "both CacheableUnaryCall calls succeeded (payloads "
            + first.getPayload().getBody().toStringUtf8()
            + " and "
            + second.getPayload().getBody().toStringUtf8()
            + ", cache-control: "
            + cacheControl
            + "), but no cache answered the second one: there is no caching proxy on this path,"
            + " or the calls went as POST (only --protocol=connect sends them as GET)");
  }

  private void largeUnary() {
    SimpleResponse response =
        channel.unaryCall(TestMethods.UNARY_CALL, largeRequest().build(), options);
    checkPayload(response.getPayload(), 314159, "UnaryCall response");
  }

  /**
   * client_compressed_unary; {@code probe} false skips the feature probe (the {@code _noprobe}
   * variant, for servers without the CompressedRequest feature, such as grpc-java's).
   */
  private void clientCompressedUnary(boolean probe) {
    SimpleRequest expectCompressed = largeRequest().setExpectCompressed(bool(true)).build();
    if (probe) {
      StatusException e =
          expectFailure(
              "probe: uncompressed UnaryCall with expect_compressed=true",
              () -> channel.unaryCall(TestMethods.UNARY_CALL, expectCompressed, options));
      checkCode(e, Status.Code.INVALID_ARGUMENT, "probe: uncompressed UnaryCall");
    }

    SimpleResponse compressed =
        channel.unaryCall(
            TestMethods.UNARY_CALL, expectCompressed, options.withCompression("gzip"));
    checkPayload(compressed.getPayload(), 314159, "compressed UnaryCall response");

    SimpleRequest expectUncompressed = largeRequest().setExpectCompressed(bool(false)).build();
    SimpleResponse uncompressed =
        channel.unaryCall(TestMethods.UNARY_CALL, expectUncompressed, options);
    checkPayload(uncompressed.getPayload(), 314159, "uncompressed UnaryCall response");
  }

  private void serverCompressedUnary() {
    for (boolean compress : new boolean[] {true, false}) {
      SimpleRequest request = largeRequest().setResponseCompressed(bool(compress)).build();
      SimpleResponse response = channel.unaryCall(TestMethods.UNARY_CALL, request, options);
      checkPayload(
          response.getPayload(),
          314159,
          "UnaryCall response (response_compressed=" + compress + ")");
    }
    notes.add(
        "the Compressed-Flag of the responses was not checked: Trunk's client API does not expose"
            + " it (the spec makes this check optional)");
  }

  private void clientStreaming() {
    StreamingInputCallResponse response;
    try (ClientStreamingCall<StreamingInputCallRequest, StreamingInputCallResponse> call =
        channel.clientStreamingCall(TestMethods.STREAMING_INPUT_CALL, options)) {
      for (int size : new int[] {27182, 8, 1828, 45904}) {
        call.send(inputRequest(size).build());
      }
      response = call.complete();
    }
    check(
        response.getAggregatedPayloadSize() == 74922,
        "aggregated_payload_size is " + response.getAggregatedPayloadSize() + ", expected 74922");
  }

  /** client_compressed_streaming; {@code probe} false skips the feature probe, as above. */
  private void clientCompressedStreaming(boolean probe) {
    if (probe) {
      StatusException e =
          expectFailure(
              "probe: uncompressed StreamingInputCall message with expect_compressed=true",
              () -> {
                try (ClientStreamingCall<StreamingInputCallRequest, StreamingInputCallResponse>
                    call = channel.clientStreamingCall(TestMethods.STREAMING_INPUT_CALL, options)) {
                  call.send(inputRequest(27182).setExpectCompressed(bool(true)).build());
                  call.complete();
                }
              });
      checkCode(e, Status.Code.INVALID_ARGUMENT, "probe: uncompressed StreamingInputCall");
    }

    StreamingInputCallResponse response;
    try (ClientStreamingCall<StreamingInputCallRequest, StreamingInputCallResponse> call =
        channel.clientStreamingCall(
            TestMethods.STREAMING_INPUT_CALL, options.withCompression("gzip"))) {
      call.send(inputRequest(27182).setExpectCompressed(bool(true)).build(), true);
      call.send(inputRequest(45904).setExpectCompressed(bool(false)).build(), false);
      response = call.complete();
    }
    check(
        response.getAggregatedPayloadSize() == 73086,
        "aggregated_payload_size is " + response.getAggregatedPayloadSize() + ", expected 73086");
  }

  private void serverStreaming() {
    int[] sizes = {31415, 9, 2653, 58979};
    StreamingOutputCallRequest.Builder request = StreamingOutputCallRequest.newBuilder();
    for (int size : sizes) {
      request.addResponseParameters(ResponseParameters.newBuilder().setSize(size));
    }
    List<StreamingOutputCallResponse> responses = new ArrayList<>();
    try (ResponseStream<StreamingOutputCallResponse> stream =
        channel.serverStreamingCall(TestMethods.STREAMING_OUTPUT_CALL, request.build(), options)) {
      for (StreamingOutputCallResponse response : stream) {
        responses.add(response);
      }
    }
    checkResponses(responses, sizes);
  }

  private void serverCompressedStreaming() {
    StreamingOutputCallRequest request =
        StreamingOutputCallRequest.newBuilder()
            .addResponseParameters(
                ResponseParameters.newBuilder().setSize(31415).setCompressed(bool(true)))
            .addResponseParameters(
                ResponseParameters.newBuilder().setSize(92653).setCompressed(bool(false)))
            .build();
    List<StreamingOutputCallResponse> responses = new ArrayList<>();
    try (ResponseStream<StreamingOutputCallResponse> stream =
        channel.serverStreamingCall(TestMethods.STREAMING_OUTPUT_CALL, request, options)) {
      for (StreamingOutputCallResponse response : stream) {
        responses.add(response);
      }
    }
    checkResponses(responses, new int[] {31415, 92653});
    notes.add(
        "the Compressed-Flag of the responses was not checked: Trunk's client API does not expose"
            + " it (the spec makes this check optional)");
  }

  /** Ends a case that needs FullDuplexCall to be full duplex when the channel is HTTP/1.1. */
  private void requireFullDuplex() throws UnsupportedCase {
    if (target.http1()) {
      throw new UnsupportedCase(NO_BIDI_OVER_HTTP1);
    }
  }

  /** Over HTTP/1.1 a case's FullDuplexCall half runs as a StreamingOutputCall: says so. */
  private void noteStreamingStandIn(String what) {
    notes.add(
        "over HTTP/1.1 the "
            + what
            + " ran as a StreamingOutputCall instead of a FullDuplexCall ("
            + NO_BIDI_OVER_HTTP1
            + ")");
  }

  private void pingPong() throws UnsupportedCase {
    requireFullDuplex();
    int[] requestSizes = {27182, 8, 1828, 45904};
    int[] responseSizes = {31415, 9, 2653, 58979};
    List<StreamingOutputCallResponse> responses = new ArrayList<>();
    try (BidiStreamingCall<StreamingOutputCallRequest, StreamingOutputCallResponse> call =
        channel.bidiStreamingCall(TestMethods.FULL_DUPLEX_CALL, options)) {
      for (int i = 0; i < requestSizes.length; i++) {
        call.send(outputRequest(responseSizes[i], requestSizes[i]).build());
        StreamingOutputCallResponse response = call.receive();
        check(response != null, "the stream ended before the reply to request " + (i + 1));
        checkPayload(response.getPayload(), responseSizes[i], "reply " + (i + 1));
        responses.add(response);
      }
      call.closeSend();
      StreamingOutputCallResponse extra = call.receive();
      check(extra == null, "got a fifth response after half-closing: " + describe(extra));
    }
    checkResponses(responses, responseSizes);
  }

  private void emptyStream() throws UnsupportedCase {
    requireFullDuplex();
    try (BidiStreamingCall<StreamingOutputCallRequest, StreamingOutputCallResponse> call =
        channel.bidiStreamingCall(TestMethods.FULL_DUPLEX_CALL, options)) {
      call.closeSend();
      StreamingOutputCallResponse response = call.receive();
      check(response == null, "expected zero responses, got " + describe(response));
    }
  }

  private void customMetadata() {
    Metadata metadata =
        new Metadata()
            .add(TestServiceImpl.ECHO_INITIAL_KEY, ECHO_INITIAL_VALUE)
            .addBinary(TestServiceImpl.ECHO_TRAILING_KEY, ECHO_TRAILING_VALUE);
    CallOptions withMetadata = options.withMetadata(metadata);

    // 1. UnaryCall
    SimpleResponse unary =
        channel.unaryCall(TestMethods.UNARY_CALL, largeRequest().build(), withMetadata);
    checkPayload(unary.getPayload(), 314159, "UnaryCall response");
    checkEchoed(capture.headers, capture.trailers, "UnaryCall");

    // 2. FullDuplexCall (a StreamingOutputCall over HTTP/1.1)
    if (target.http1()) {
      noteStreamingStandIn("streaming half of the case");
      customMetadataStreamingOutput(withMetadata);
      return;
    }
    Metadata headers;
    Metadata trailers;
    try (BidiStreamingCall<StreamingOutputCallRequest, StreamingOutputCallResponse> call =
        channel.bidiStreamingCall(TestMethods.FULL_DUPLEX_CALL, withMetadata)) {
      call.send(outputRequest(314159, 271828).build());
      call.closeSend();
      List<StreamingOutputCallResponse> responses = new ArrayList<>();
      for (StreamingOutputCallResponse response : call) {
        responses.add(response);
      }
      checkResponses(responses, new int[] {314159});
      headers = call.responseHeaders();
      trailers = call.trailers();
    }
    checkEchoed(headers, trailers, "FullDuplexCall");
  }

  /** custom_metadata's streaming half as a StreamingOutputCall, for HTTP/1.1. */
  private void customMetadataStreamingOutput(CallOptions withMetadata) {
    Metadata headers;
    Metadata trailers;
    List<StreamingOutputCallResponse> responses = new ArrayList<>();
    try (ResponseStream<StreamingOutputCallResponse> stream =
        channel.serverStreamingCall(
            TestMethods.STREAMING_OUTPUT_CALL,
            outputRequest(314159, 271828).build(),
            withMetadata)) {
      for (StreamingOutputCallResponse response : stream) {
        responses.add(response);
      }
      headers = stream.responseHeaders();
      trailers = stream.trailers();
    }
    checkResponses(responses, new int[] {314159});
    checkEchoed(headers, trailers, "StreamingOutputCall");
  }

  private void statusCodeAndMessage() {
    EchoStatus echo = EchoStatus.newBuilder().setCode(2).setMessage("test status message").build();

    StatusException unary =
        expectFailure(
            "UnaryCall with response_status",
            () ->
                channel.unaryCall(
                    TestMethods.UNARY_CALL,
                    SimpleRequest.newBuilder().setResponseStatus(echo).build(),
                    options));
    checkStatus(unary, echo, "UnaryCall");

    if (target.http1()) {
      noteStreamingStandIn("streaming half of the case");
      StatusException streaming =
          expectFailure(
              "StreamingOutputCall with response_status",
              () -> {
                StreamingOutputCallRequest request =
                    StreamingOutputCallRequest.newBuilder().setResponseStatus(echo).build();
                try (ResponseStream<StreamingOutputCallResponse> stream =
                    channel.serverStreamingCall(
                        TestMethods.STREAMING_OUTPUT_CALL, request, options)) {
                  StreamingOutputCallResponse response = stream.receive();
                  check(response == null, "expected no response, got " + describe(response));
                }
              });
      checkStatus(streaming, echo, "StreamingOutputCall");
      return;
    }
    StatusException duplex =
        expectFailure(
            "FullDuplexCall with response_status",
            () -> {
              try (BidiStreamingCall<StreamingOutputCallRequest, StreamingOutputCallResponse> call =
                  channel.bidiStreamingCall(TestMethods.FULL_DUPLEX_CALL, options)) {
                call.send(StreamingOutputCallRequest.newBuilder().setResponseStatus(echo).build());
                call.closeSend();
                StreamingOutputCallResponse response = call.receive();
                check(response == null, "expected no response, got " + describe(response));
              }
            });
    checkStatus(duplex, echo, "FullDuplexCall");
  }

  private void specialStatusMessage() {
    EchoStatus echo = EchoStatus.newBuilder().setCode(2).setMessage(SPECIAL_STATUS_MESSAGE).build();
    StatusException unary =
        expectFailure(
            "UnaryCall with response_status",
            () ->
                channel.unaryCall(
                    TestMethods.UNARY_CALL,
                    SimpleRequest.newBuilder().setResponseStatus(echo).build(),
                    options));
    checkStatus(unary, echo, "UnaryCall");
  }

  private void unimplementedMethod() {
    StatusException e =
        expectFailure(
            "grpc.testing.TestService/UnimplementedCall",
            () ->
                channel.unaryCall(
                    TestMethods.UNIMPLEMENTED_CALL, Empty.getDefaultInstance(), options));
    checkCode(e, Status.Code.UNIMPLEMENTED, "grpc.testing.TestService/UnimplementedCall");
  }

  private void unimplementedService() {
    StatusException e =
        expectFailure(
            "grpc.testing.UnimplementedService/UnimplementedCall",
            () ->
                channel.unaryCall(
                    TestMethods.UNIMPLEMENTED_SERVICE_CALL, Empty.getDefaultInstance(), options));
    checkCode(e, Status.Code.UNIMPLEMENTED, "grpc.testing.UnimplementedService/UnimplementedCall");
  }

  private void cancelAfterBegin() {
    StatusException e =
        expectFailure(
            "StreamingInputCall cancelled before sending",
            () -> {
              try (ClientStreamingCall<StreamingInputCallRequest, StreamingInputCallResponse> call =
                  channel.clientStreamingCall(TestMethods.STREAMING_INPUT_CALL, options)) {
                call.cancel();
                StreamingInputCallResponse response = call.complete();
                throw new AssertionError(
                    "the cancelled call completed with a response: " + describe(response));
              }
            });
    checkCode(e, Status.Code.CANCELLED, "StreamingInputCall cancelled before sending");
  }

  private void cancelAfterFirstResponse() throws UnsupportedCase {
    requireFullDuplex();
    StatusException e =
        expectFailure(
            "FullDuplexCall cancelled after the first response",
            () -> {
              try (BidiStreamingCall<StreamingOutputCallRequest, StreamingOutputCallResponse> call =
                  channel.bidiStreamingCall(TestMethods.FULL_DUPLEX_CALL, options)) {
                call.send(outputRequest(31415, 27182).build());
                StreamingOutputCallResponse first = call.receive();
                check(first != null, "the stream ended before the first response");
                checkPayload(first.getPayload(), 31415, "first response");
                call.cancel();
                StreamingOutputCallResponse after = call.receive();
                throw new AssertionError(
                    "receive() after cancel() returned "
                        + (after == null ? "the end of the stream" : describe(after))
                        + " instead of failing with CANCELLED");
              }
            });
    checkCode(e, Status.Code.CANCELLED, "FullDuplexCall cancelled after the first response");
  }

  private void timeoutOnSleepingServer() {
    CallOptions oneMillisecond = CallOptions.DEFAULT.withTimeout(Duration.ofMillis(1));
    if (target.http1()) {
      timeoutOnSleepingServerStreamingOutput(oneMillisecond);
      return;
    }
    StatusException e =
        expectFailure(
            "FullDuplexCall with a 1 ms timeout",
            () -> {
              try (BidiStreamingCall<StreamingOutputCallRequest, StreamingOutputCallResponse> call =
                  channel.bidiStreamingCall(TestMethods.FULL_DUPLEX_CALL, oneMillisecond)) {
                // The deadline may already fail send(): that StatusException counts too.
                call.send(StreamingOutputCallRequest.newBuilder().setPayload(zeros(27182)).build());
                StreamingOutputCallResponse response = call.receive();
                throw new AssertionError(
                    "receive() returned "
                        + (response == null ? "the end of the stream" : describe(response))
                        + " instead of failing with DEADLINE_EXCEEDED");
              }
            });
    checkCode(e, Status.Code.DEADLINE_EXCEEDED, "FullDuplexCall with a 1 ms timeout");
  }

  /**
   * timeout_on_sleeping_server over HTTP/1.1: a StreamingOutputCall whose one response the server
   * sends only after {@link #SLEEPING_INTERVAL_US}; the 1 ms deadline must end it first.
   */
  private void timeoutOnSleepingServerStreamingOutput(CallOptions oneMillisecond) {
    noteStreamingStandIn("call");
    StreamingOutputCallRequest request =
        outputRequest(31415, 27182)
            .setResponseParameters(
                0,
                ResponseParameters.newBuilder().setSize(31415).setIntervalUs(SLEEPING_INTERVAL_US))
            .build();
    StatusException e =
        expectFailure(
            "StreamingOutputCall with a 1 ms timeout",
            () -> {
              try (ResponseStream<StreamingOutputCallResponse> stream =
                  channel.serverStreamingCall(
                      TestMethods.STREAMING_OUTPUT_CALL, request, oneMillisecond)) {
                StreamingOutputCallResponse response = stream.receive();
                throw new AssertionError(
                    "receive() returned "
                        + (response == null ? "the end of the stream" : describe(response))
                        + " instead of failing with DEADLINE_EXCEEDED");
              }
            });
    checkCode(e, Status.Code.DEADLINE_EXCEEDED, "StreamingOutputCall with a 1 ms timeout");
  }

  private void veryLargeRequest() {
    int size = 10 * 1024 * 1024;
    SimpleRequest request =
        SimpleRequest.newBuilder()
            .setResponseType(PayloadType.COMPRESSABLE)
            .setResponseSize(10)
            .setPayload(zeros(size))
            .build();
    SimpleResponse response = channel.unaryCall(TestMethods.UNARY_CALL, request, options);
    checkPayload(response.getPayload(), 10, "UnaryCall response to a 10 MiB request");
  }

  /**
   * pick_first_unary: 100 unary calls on one channel, each asking for the server's id; all must
   * come from one server. Trunk's channel connects to the one address it is given (pick-first by
   * construction), so this checks that every call reuses it, and that the server fills server_id.
   */
  private void pickFirstUnary() {
    SimpleRequest request =
        SimpleRequest.newBuilder()
            .setResponseType(PayloadType.COMPRESSABLE)
            .setResponseSize(1)
            .setPayload(zeros(1))
            .setFillServerId(true)
            .build();
    String serverId = null;
    String hostname = "";
    for (int i = 1; i <= 100; i++) {
      SimpleResponse response = channel.unaryCall(TestMethods.UNARY_CALL, request, options);
      checkPayload(response.getPayload(), 1, "UnaryCall " + i + " response");
      String id = response.getServerId();
      check(
          !id.isEmpty(),
          "UnaryCall "
              + i
              + " of 100: server_id is empty although fill_server_id is set, so the server that"
              + " answered cannot be identified");
      if (serverId == null) {
        serverId = id;
        hostname = response.getHostname();
      } else {
        check(
            serverId.equals(id),
            "UnaryCall "
                + i
                + " of 100 went to server_id "
                + quote(id)
                + ", the first to "
                + quote(serverId));
      }
    }
    notes.add(
        "all 100 calls were answered by server_id "
            + quote(serverId)
            + (hostname.isEmpty() ? "" : " on host " + quote(hostname)));
  }

  /**
   * rpc_soak ({@code newChannels} false) and channel_soak (true): {@code soak_iterations} large
   * unary calls in sequence, on one channel or each on a channel of its own (its creation counted
   * in the latency, its teardown not). An iteration fails on a non-OK status or a latency over
   * {@code soak_per_iteration_max_acceptable_latency_ms}; the case fails if more than {@code
   * soak_max_failures} do, or if {@code soak_overall_timeout_seconds} ends the loop early. No
   * per-call deadline (the spec asks for none) other than the overall budget left.
   */
  private void soak(boolean newChannels) {
    String name = newChannels ? "channel_soak" : "rpc_soak";
    SimpleRequest request =
        SimpleRequest.newBuilder()
            .setResponseType(PayloadType.COMPRESSABLE)
            .setResponseSize(soak.responseSize())
            .setPayload(zeros(soak.requestSize()))
            .build();
    long start = System.nanoTime();
    long overallDeadline = start + TimeUnit.SECONDS.toNanos(soak.overallTimeoutSeconds());
    long maxLatencyNanos = TimeUnit.MILLISECONDS.toNanos(soak.maxAcceptableLatencyMs());
    long minGapNanos = TimeUnit.MILLISECONDS.toNanos(soak.minTimeMsBetweenRpcs());
    String peer = target.peer();
    List<Long> latenciesMicros = new ArrayList<>();
    int completed = 0;
    int failures = 0;
    long nextStart = start;
    for (int i = 0; i < soak.iterations(); i++) {
      long now = System.nanoTime();
      if (now < nextStart) {
        sleepNanos(nextStart - now);
      }
      if (System.nanoTime() >= overallDeadline) {
        break;
      }
      long begin = System.nanoTime();
      nextStart = begin + minGapNanos;
      CallOptions remaining =
          CallOptions.DEFAULT.withTimeout(Duration.ofNanos(overallDeadline - begin));
      Channel iterationChannel = newChannels ? target.open() : channel;
      String failure = null;
      long elapsed;
      try {
        SimpleResponse response =
            iterationChannel.unaryCall(TestMethods.UNARY_CALL, request, remaining);
        elapsed = System.nanoTime() - begin;
        checkPayload(response.getPayload(), soak.responseSize(), "UnaryCall response");
        if (elapsed > maxLatencyNanos) {
          failure =
              "latency "
                  + TimeUnit.NANOSECONDS.toMillis(elapsed)
                  + " ms exceeds "
                  + soak.maxAcceptableLatencyMs()
                  + " ms";
        }
      } catch (RuntimeException | AssertionError e) {
        elapsed = System.nanoTime() - begin;
        failure = e.toString();
      } finally {
        if (newChannels) {
          iterationChannel.shutdownNow();
        }
      }
      completed++;
      latenciesMicros.add(TimeUnit.NANOSECONDS.toMicros(elapsed));
      String line =
          "soak iteration: "
              + i
              + " elapsed_ms: "
              + TimeUnit.NANOSECONDS.toMillis(elapsed)
              + " peer: "
              + peer;
      if (failure == null) {
        System.out.println(line + " succeeded");
      } else {
        failures++;
        System.out.println(line + " failed: " + failure);
      }
    }
    List<Long> sorted = latenciesMicros.stream().sorted().toList();
    String summary =
        name
            + ": "
            + completed
            + " of "
            + soak.iterations()
            + " iterations completed, "
            + failures
            + " failed (at most "
            + soak.maxFailures()
            + " allowed); latency ms median "
            + percentileMillis(sorted, 50)
            + ", p90 "
            + percentileMillis(sorted, 90)
            + ", max "
            + percentileMillis(sorted, 100);
    System.out.println(summary);
    check(
        completed == soak.iterations(),
        summary + ": soak_overall_timeout_seconds=" + soak.overallTimeoutSeconds() + " ran out");
    check(failures <= soak.maxFailures(), summary);
    notes.add(summary);
  }

  private static String percentileMillis(List<Long> sortedMicros, int percentile) {
    if (sortedMicros.isEmpty()) {
      return "-";
    }
    int index = (int) Math.ceil(percentile / 100.0 * sortedMicros.size()) - 1;
    long micros = sortedMicros.get(Math.max(0, Math.min(index, sortedMicros.size() - 1)));
    return String.format(Locale.ROOT, "%.1f", micros / 1000.0);
  }

  private static void sleepNanos(long nanos) {
    try {
      TimeUnit.NANOSECONDS.sleep(nanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Requests

  /** {response_size: 314159, payload: {body: 271828 zeros}}. */
  private static SimpleRequest.Builder largeRequest() {
    return SimpleRequest.newBuilder()
        .setResponseType(PayloadType.COMPRESSABLE)
        .setResponseSize(314159)
        .setPayload(zeros(271828));
  }

  private static StreamingInputCallRequest.Builder inputRequest(int payloadSize) {
    return StreamingInputCallRequest.newBuilder().setPayload(zeros(payloadSize));
  }

  private static StreamingOutputCallRequest.Builder outputRequest(
      int responseSize, int payloadSize) {
    return StreamingOutputCallRequest.newBuilder()
        .setResponseType(PayloadType.COMPRESSABLE)
        .addResponseParameters(ResponseParameters.newBuilder().setSize(responseSize))
        .setPayload(zeros(payloadSize));
  }

  private static Payload zeros(int size) {
    return Payload.newBuilder()
        .setType(PayloadType.COMPRESSABLE)
        .setBody(ByteString.copyFrom(new byte[size]))
        .build();
  }

  private static BoolValue bool(boolean value) {
    return BoolValue.newBuilder().setValue(value).build();
  }

  // ---------------------------------------------------------------------------------------------
  // Checks

  private static void check(boolean condition, String failure) {
    if (!condition) {
      throw new AssertionError(failure);
    }
  }

  private static StatusException expectFailure(String what, FailingCall call) {
    try {
      call.run();
    } catch (StatusException e) {
      return e;
    }
    throw new AssertionError(what + ": succeeded, but it must fail with a status");
  }

  private static void checkCode(StatusException e, Status.Code expected, String what) {
    Status status = e.status();
    if (status.code() != expected) {
      throw new AssertionError(what + ": status is " + status + ", expected " + expected, e);
    }
  }

  private static void checkStatus(StatusException e, EchoStatus expected, String what) {
    Status status = e.status();
    Status.Code code = Status.Code.of(expected.getCode());
    if (status.code() != code) {
      throw new AssertionError(
          what + ": status code is " + status.code() + ", expected " + code, e);
    }
    String message = status.description();
    if (!expected.getMessage().equals(message)) {
      throw new AssertionError(
          what
              + ": status message is "
              + quote(message)
              + ", expected "
              + quote(expected.getMessage()),
          e);
    }
  }

  private static void checkPayload(Payload payload, int size, String what) {
    check(
        payload.getType() == PayloadType.COMPRESSABLE,
        what + ": payload type is " + payload.getType() + ", expected COMPRESSABLE");
    ByteString body = payload.getBody();
    check(
        body.size() == size,
        what + ": payload body is " + body.size() + " bytes, expected " + size);
    for (int i = 0; i < size; i++) {
      if (body.byteAt(i) != 0) {
        throw new AssertionError(what + ": payload byte " + i + " is not zero");
      }
    }
  }

  private static void checkResponses(List<StreamingOutputCallResponse> responses, int[] sizes) {
    int[] actual = responses.stream().mapToInt(r -> r.getPayload().getBody().size()).toArray();
    check(
        responses.size() == sizes.length,
        "got "
            + responses.size()
            + " responses sized "
            + Arrays.toString(actual)
            + ", expected exactly "
            + sizes.length
            + " sized "
            + Arrays.toString(sizes));
    for (int i = 0; i < sizes.length; i++) {
      checkPayload(responses.get(i).getPayload(), sizes[i], "response " + (i + 1));
    }
  }

  private static void checkEchoed(
      @Nullable Metadata headers, @Nullable Metadata trailers, String what) {
    check(headers != null, what + ": no response headers were received");
    check(trailers != null, what + ": no trailers were received");
    String initial = headers.get(TestServiceImpl.ECHO_INITIAL_KEY);
    check(
        ECHO_INITIAL_VALUE.equals(initial),
        what
            + ": response headers carry "
            + TestServiceImpl.ECHO_INITIAL_KEY
            + "="
            + quote(initial)
            + ", expected "
            + quote(ECHO_INITIAL_VALUE)
            + " (headers: "
            + headers
            + ")");
    byte[] trailing = trailers.getBinary(TestServiceImpl.ECHO_TRAILING_KEY);
    check(
        trailing != null && Arrays.equals(trailing, ECHO_TRAILING_VALUE),
        what
            + ": trailers carry "
            + TestServiceImpl.ECHO_TRAILING_KEY
            + "="
            + (trailing == null ? "nothing" : "0x" + HexFormat.of().formatHex(trailing))
            + ", expected 0xababab (trailers: "
            + trailers
            + ")");
  }

  private static String describe(@Nullable Object message) {
    if (message == null) {
      return "null";
    }
    if (message instanceof StreamingOutputCallResponse response) {
      return "a response with a " + response.getPayload().getBody().size() + "-byte payload";
    }
    return message.getClass().getSimpleName();
  }

  private static String quote(@Nullable String text) {
    if (text == null) {
      return "null";
    }
    StringBuilder quoted = new StringBuilder("\"");
    text.codePoints()
        .forEach(
            c -> {
              switch (c) {
                case '\t' -> quoted.append("\\t");
                case '\n' -> quoted.append("\\n");
                case '\r' -> quoted.append("\\r");
                case '"' -> quoted.append("\\\"");
                default -> {
                  if (c < 0x20 || c > 0x7e) {
                    quoted.append(String.format("\\u{%X}", c));
                  } else {
                    quoted.appendCodePoint(c);
                  }
                }
              }
            });
    return quoted.append('"').toString();
  }

  /** Records the response headers and trailers of the latest call on the channel. */
  private static final class Capture implements Interceptor {
    volatile @Nullable Metadata headers;
    volatile @Nullable Metadata trailers;

    @Override
    public <Req, Resp> CallObserver<Req, Resp> interceptCall(
        CallInfo<Req, Resp> call, Metadata requestHeaders) {
      headers = null;
      trailers = null;
      return new CallObserver<>() {
        @Override
        public void onResponseHeaders(Metadata received) {
          headers = new Metadata(received);
        }

        @Override
        public void onClose(Status status, Metadata received) {
          trailers = new Metadata(received);
        }
      };
    }
  }
}
