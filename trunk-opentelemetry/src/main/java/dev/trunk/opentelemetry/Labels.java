package dev.trunk.opentelemetry;

import dev.trunk.EventListener.AbortReason;
import dev.trunk.EventListener.AttemptKind;
import dev.trunk.Status;
import io.opentelemetry.api.common.AttributeKey;
import java.util.Locale;

/** The attributes the instruments carry (become Prometheus labels, dots as underscores). */
final class Labels {
  /** gRFC A66: the full method name, {@code pkg.Service/Method}, or {@code other}. */
  static final AttributeKey<String> METHOD = AttributeKey.stringKey("grpc.method");

  /** gRFC A66: the status code's name, such as {@code OK} or {@code DEADLINE_EXCEEDED}. */
  static final AttributeKey<String> STATUS = AttributeKey.stringKey("grpc.status");

  /** gRFC A66: the channel's target, as given when building it. */
  static final AttributeKey<String> TARGET = AttributeKey.stringKey("grpc.target");

  /** OTel semantic conventions: the HTTP version of a connection, {@code 2} or {@code 1.1}. */
  static final AttributeKey<String> PROTOCOL_VERSION =
      AttributeKey.stringKey("network.protocol.version");

  /** OTel semantic conventions: a failure's class, here timeout/certificate/protocol/other. */
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  /** Why a stream was aborted: the {@link AbortReason} in lower case. */
  static final AttributeKey<String> ABORT_REASON = AttributeKey.stringKey("trunk.abort.reason");

  /** Why an attempt was made beyond the first: retry, hedge or transparent. */
  static final AttributeKey<String> ATTEMPT_KIND = AttributeKey.stringKey("trunk.attempt.kind");

  /** Whether the request carried a valid W3C traceparent: remote, or none. */
  static final AttributeKey<String> TRACE_PARENT = AttributeKey.stringKey("trunk.trace.parent");

  private Labels() {}

  static String status(Status status) {
    return status.code().name();
  }

  static String reason(AbortReason reason) {
    return reason.name().toLowerCase(Locale.ROOT);
  }

  static String kind(AttemptKind kind) {
    return kind.name().toLowerCase(Locale.ROOT);
  }

  /** {@code 2} for {@code h2}, {@code 1.1} for {@code http/1.1}: the version number only. */
  static String protocolVersion(String httpVersion) {
    return httpVersion.equals("h2") ? "2" : httpVersion.substring(httpVersion.indexOf('/') + 1);
  }
}
