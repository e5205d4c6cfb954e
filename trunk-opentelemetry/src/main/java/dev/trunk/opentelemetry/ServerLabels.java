package dev.trunk.opentelemetry;

import dev.trunk.Status;
import io.opentelemetry.api.common.Attributes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The attribute sets of one server method, made once and reused by every call, so that recording a
 * call allocates no attributes: {@code grpc.method}; with {@code trunk.trace.parent}; and with each
 * {@code grpc.status}. Bounded as {@link MethodNames} bounds the method labels.
 */
final class ServerLabels {
  final Attributes method;
  final Attributes tracedRemote;
  final Attributes tracedNone;
  private final Attributes[] ended = new Attributes[Status.Code.values().length];

  private ServerLabels(String label) {
    this.method = Attributes.of(Labels.METHOD, label);
    this.tracedRemote = traced(ServerListener.REMOTE);
    this.tracedNone = traced(ServerListener.NONE);
    for (Status.Code code : Status.Code.values()) {
      ended[code.ordinal()] = method.toBuilder().put(Labels.STATUS, code.name()).build();
    }
  }

  private Attributes traced(String parent) {
    return method.toBuilder().put(Labels.TRACE_PARENT, parent).build();
  }

  /** {@code grpc.method} with {@code grpc.status} of {@code status}. */
  Attributes ended(Status status) {
    return ended[status.code().ordinal()];
  }

  /** The labels of each method label value, made on first use. */
  static final class Cache {
    private final MethodNames names = new MethodNames();
    private final Map<String, ServerLabels> byLabel = new ConcurrentHashMap<>();

    ServerLabels of(String fullName) {
      return byLabel.computeIfAbsent(names.label(fullName), ServerLabels::new);
    }
  }
}
