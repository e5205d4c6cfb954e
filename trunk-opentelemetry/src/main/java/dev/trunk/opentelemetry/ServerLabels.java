package dev.trunk.opentelemetry;

import dev.trunk.Status;
import io.opentelemetry.api.common.Attributes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * One server method's metric state, made once and reused by every call, so that recording a call
 * allocates no attributes: the attribute sets ({@code grpc.method}; with {@code
 * trunk.trace.parent}; with each {@code grpc.status}) and the counts that the counter instruments
 * read when metrics are collected. Bounded as {@link MethodNames} bounds the method labels.
 *
 * <p>The counts are {@link LongAdder}s, added to by every call's threads and read by the collecting
 * thread: a call adds to a few of them instead of recording on as many synchronous instruments,
 * each of which looks up its series by attributes (the largest part of the metrics' cost per call).
 */
final class ServerLabels {
  final Attributes method;
  final Attributes tracedRemote;
  final Attributes tracedNone;
  private final Attributes[] ended = new Attributes[Status.Code.values().length];

  /** Calls started ({@code grpc.server.call.started}). */
  final LongAdder started = new LongAdder();

  /** Calls in flight ({@code trunk.server.call.active}). */
  final LongAdder active = new LongAdder();

  /** Calls started with a valid traceparent ({@code trunk.server.call.traced}). */
  final LongAdder startedRemote = new LongAdder();

  /** Calls started without one. */
  final LongAdder startedNone = new LongAdder();

  /** Streaming calls started ({@code trunk.server.stream.opened}). */
  final LongAdder streamsOpened = new LongAdder();

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
      ServerLabels known = byLabel.get(fullName);
      if (known != null) {
        return known;
      }
      return byLabel.computeIfAbsent(names.label(fullName), ServerLabels::new);
    }

    /** Each method's labels made so far, for a collection. */
    void forEach(Consumer<ServerLabels> action) {
      byLabel.values().forEach(action);
    }
  }
}
