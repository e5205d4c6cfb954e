package dev.trunk.opentelemetry;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import dev.trunk.CallInfo;
import dev.trunk.CallObserver;
import dev.trunk.Interceptor;
import dev.trunk.Metadata;
import dev.trunk.Status;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * An interceptor that logs one line per call through SLF4J, its fields as key-values (which
 * structured backends such as Logback's JSON encoders write as fields): {@code grpc.method}, {@code
 * grpc.status}, {@code duration_ms}, {@code peer}, the messages and bytes each way, and {@code
 * trace_id}/{@code span_id} of the span current when the call starts (the server's span on the
 * server when tracing is installed; the caller's span on a client), for correlating logs with
 * traces. Calls that end OK are logged at INFO, others at WARN, on the logger {@value #LOGGER}.
 *
 * <p>Debug mode, off by default: {@link #withPayloads} also logs each message of the named methods,
 * decoded (protobuf messages as JSON), cut to a bounded length, at DEBUG.
 *
 * <p>Thread-safe; install one per server or channel:
 *
 * <pre>{@code
 * Server.builder().port(8080).service(new MyService()).intercept(AccessLog.create())
 *     .build().start();
 * // message "pkg.Svc/Get OK in 1.420 ms", key-values grpc.method=pkg.Svc/Get grpc.status=OK
 * // duration_ms=1.42 peer=/10.0.0.7:50312 side=server requests=1 ... trace_id=... span_id=...
 * }</pre>
 */
public final class AccessLog implements Interceptor {
  /** The logger's name. */
  public static final String LOGGER = "dev.trunk.access";

  /** The longest payload snippet {@link #withPayloads} logs when not told otherwise. */
  public static final int DEFAULT_MAX_PAYLOAD_CHARS = 512;

  private static final JsonFormat.Printer JSON =
      JsonFormat.printer().omittingInsignificantWhitespace();

  private final Logger log;
  private final Set<String> payloadMethods;
  private final int maxPayloadChars;

  private AccessLog(Logger log, Set<String> payloadMethods, int maxPayloadChars) {
    this.log = log;
    this.payloadMethods = payloadMethods;
    this.maxPayloadChars = maxPayloadChars;
  }

  /** An access log on the logger {@value #LOGGER}, without payloads. */
  public static AccessLog create() {
    return new AccessLog(LoggerFactory.getLogger(LOGGER), Set.of(), DEFAULT_MAX_PAYLOAD_CHARS);
  }

  /** The same, writing to {@code log} instead (tests, or a logger of your own naming). */
  static AccessLog to(Logger log) {
    return new AccessLog(log, Set.of(), DEFAULT_MAX_PAYLOAD_CHARS);
  }

  /**
   * This log plus, at DEBUG, each message of the named methods ({@code pkg.Service/Method}),
   * decoded and cut to {@code maxChars}. For debugging only: payloads may hold personal data.
   */
  public AccessLog withPayloads(int maxChars, String... methods) {
    if (maxChars <= 0) {
      throw new IllegalArgumentException("maxChars must be positive, was " + maxChars);
    }
    return new AccessLog(log, Set.of(requireNonNull(methods, "methods")), maxChars);
  }

  @Override
  public <Req, Resp> CallObserver<Req, Resp> interceptCall(
      CallInfo<Req, Resp> call, Metadata requestHeaders) {
    return new Entry<>(call, Span.current().getSpanContext());
  }

  /** One call's line, filled in as it goes. */
  private final class Entry<Req, Resp> implements CallObserver<Req, Resp> {
    private final CallInfo<Req, Resp> call;
    private final SpanContext span;
    private final long start = System.nanoTime();
    private final boolean payloads;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong requestBytes = new AtomicLong();
    private final AtomicLong responses = new AtomicLong();
    private final AtomicLong responseBytes = new AtomicLong();

    Entry(CallInfo<Req, Resp> call, SpanContext span) {
      this.call = call;
      this.span = span;
      this.payloads = payloadMethods.contains(call.method().fullName()) && log.isDebugEnabled();
    }

    @Override
    public Req onRequest(Req message) {
      requests.incrementAndGet();
      requestBytes.addAndGet(size(message));
      payload("request", message);
      return message;
    }

    @Override
    public Resp onResponse(Resp message) {
      responses.incrementAndGet();
      responseBytes.addAndGet(size(message));
      payload("response", message);
      return message;
    }

    private void payload(String kind, Object message) {
      if (payloads) {
        log.atDebug()
            .addKeyValue("grpc.method", call.method().fullName())
            .addKeyValue("payload", kind)
            .log("{} {}: {}", call.method().fullName(), kind, snippet(message));
      }
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
      double millis = (System.nanoTime() - start) / 1e6;
      String peer = call.peer().map(Object::toString).orElse("-");
      String traceId = span.isValid() ? span.getTraceId() : "-";
      String spanId = span.isValid() ? span.getSpanId() : "-";
      LoggingEventBuilder line = status.isOk() ? log.atInfo() : log.atWarn();
      line.addKeyValue("grpc.method", call.method().fullName())
          .addKeyValue("grpc.status", status.code().name())
          .addKeyValue("duration_ms", millis)
          .addKeyValue("peer", peer)
          .addKeyValue("side", call.isServer() ? "server" : "client")
          .addKeyValue("requests", requests.get())
          .addKeyValue("request_bytes", requestBytes.get())
          .addKeyValue("responses", responses.get())
          .addKeyValue("response_bytes", responseBytes.get())
          .addKeyValue("trace_id", traceId)
          .addKeyValue("span_id", spanId)
          .log(
              "{} {} in {} ms{}",
              call.method().fullName(),
              status.code().name(),
              String.format(Locale.ROOT, "%.3f", millis),
              status.description() == null ? "" : ": " + status.description());
    }
  }

  /** The serialized size of a protobuf message; 0 for other message types. */
  private static long size(Object message) {
    return message instanceof MessageLite lite ? lite.getSerializedSize() : 0;
  }

  private String snippet(Object message) {
    String text;
    try {
      text =
          message instanceof MessageOrBuilder proto ? JSON.print(proto) : String.valueOf(message);
    } catch (InvalidProtocolBufferException e) {
      text = String.valueOf(message);
    }
    return text.length() <= maxPayloadChars
        ? text
        : text.substring(0, maxPayloadChars) + "…(" + text.length() + " chars)";
  }
}
