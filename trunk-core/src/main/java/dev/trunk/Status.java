package dev.trunk;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of a call: a {@link Code}, an optional description for humans, an optional local
 * cause (never sent to the peer) and optional rich details ({@code google.rpc.Status} details, sent
 * in the {@code grpc-status-details-bin} trailer).
 *
 * <p>Immutable and thread-safe. Throw one with {@link #asException()}:
 *
 * <pre>{@code
 * throw Status.NOT_FOUND.withDescription("no feature at " + point).asException();
 * }</pre>
 *
 * <p>Rich details are any protobuf messages, packed for you; the standard ones are in {@code
 * com.google.api.grpc:proto-google-common-protos} ({@code com.google.rpc.BadRequest}, {@code
 * ErrorInfo}, {@code RetryInfo}, ...). The client reads them back typed:
 *
 * <pre>{@code
 * // on the server
 * throw Status.INVALID_ARGUMENT.withDescription("bad key")
 *     .withDetails(BadRequest.newBuilder().addFieldViolations(violation).build())
 *     .asException();
 *
 * // on the client
 * try {
 *   store.put(item);
 * } catch (StatusException e) {
 *   Optional<BadRequest> bad = e.status().detail(BadRequest.class);
 * }
 * }</pre>
 */
public final class Status {

  /** The 17 status codes of gRPC, with their wire values. */
  public enum Code {
    OK(0),
    CANCELLED(1),
    UNKNOWN(2),
    INVALID_ARGUMENT(3),
    DEADLINE_EXCEEDED(4),
    NOT_FOUND(5),
    ALREADY_EXISTS(6),
    PERMISSION_DENIED(7),
    RESOURCE_EXHAUSTED(8),
    FAILED_PRECONDITION(9),
    ABORTED(10),
    OUT_OF_RANGE(11),
    UNIMPLEMENTED(12),
    INTERNAL(13),
    UNAVAILABLE(14),
    DATA_LOSS(15),
    UNAUTHENTICATED(16);

    private static final Code[] BY_VALUE = values();
    private final int value;

    Code(int value) {
      this.value = value;
    }

    /** The code's number on the wire ({@code grpc-status}). */
    public int value() {
      return value;
    }

    /** The code with this wire value, or {@link #UNKNOWN} for a value gRPC does not define. */
    public static Code of(int value) {
      return value >= 0 && value < BY_VALUE.length ? BY_VALUE[value] : UNKNOWN;
    }

    /** The {@link Status} with this code and no description. */
    public Status toStatus() {
      return STATUSES[ordinal()];
    }
  }

  private static final Status[] STATUSES = new Status[Code.values().length];

  static {
    for (Code code : Code.values()) {
      STATUSES[code.ordinal()] = new Status(code, null, null, List.of());
    }
  }

  public static final Status OK = Code.OK.toStatus();
  public static final Status CANCELLED = Code.CANCELLED.toStatus();
  public static final Status UNKNOWN = Code.UNKNOWN.toStatus();
  public static final Status INVALID_ARGUMENT = Code.INVALID_ARGUMENT.toStatus();
  public static final Status DEADLINE_EXCEEDED = Code.DEADLINE_EXCEEDED.toStatus();
  public static final Status NOT_FOUND = Code.NOT_FOUND.toStatus();
  public static final Status ALREADY_EXISTS = Code.ALREADY_EXISTS.toStatus();
  public static final Status PERMISSION_DENIED = Code.PERMISSION_DENIED.toStatus();
  public static final Status RESOURCE_EXHAUSTED = Code.RESOURCE_EXHAUSTED.toStatus();
  public static final Status FAILED_PRECONDITION = Code.FAILED_PRECONDITION.toStatus();
  public static final Status ABORTED = Code.ABORTED.toStatus();
  public static final Status OUT_OF_RANGE = Code.OUT_OF_RANGE.toStatus();
  public static final Status UNIMPLEMENTED = Code.UNIMPLEMENTED.toStatus();
  public static final Status INTERNAL = Code.INTERNAL.toStatus();
  public static final Status UNAVAILABLE = Code.UNAVAILABLE.toStatus();
  public static final Status DATA_LOSS = Code.DATA_LOSS.toStatus();
  public static final Status UNAUTHENTICATED = Code.UNAUTHENTICATED.toStatus();

  private final Code code;
  private final @Nullable String description;
  private final @Nullable Throwable cause;
  private final List<Any> details;

  private Status(
      Code code, @Nullable String description, @Nullable Throwable cause, List<Any> details) {
    this.code = code;
    this.description = description;
    this.cause = cause;
    this.details = details;
  }

  /** The status with this code and no description. */
  public static Status of(Code code) {
    return requireNonNull(code, "code").toStatus();
  }

  public Code code() {
    return code;
  }

  public boolean isOk() {
    return code == Code.OK;
  }

  /** The human-readable description sent as {@code grpc-message}, or null. */
  public @Nullable String description() {
    return description;
  }

  /** The local cause; never sent to the peer. */
  public @Nullable Throwable cause() {
    return cause;
  }

  /**
   * Rich error details as sent or received: {@code google.rpc.Status.details} in the {@code
   * grpc-status-details-bin} trailer. {@link #detail} and {@link #details(Class)} unpack them.
   */
  public List<Any> details() {
    return details;
  }

  /**
   * The first detail of type {@code type}, unpacked, if there is one.
   *
   * @throws IllegalArgumentException if a detail claims to be a {@code type} but does not parse as
   *     one (the peer sent a corrupt detail)
   */
  public <T extends Message> Optional<T> detail(Class<T> type) {
    List<T> found = details(type);
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }

  /**
   * Every detail of type {@code type}, unpacked, in order.
   *
   * @throws IllegalArgumentException as {@link #detail}
   */
  public <T extends Message> List<T> details(Class<T> type) {
    requireNonNull(type, "type");
    List<T> found = new ArrayList<>();
    for (Any detail : details) {
      if (!detail.is(type)) {
        continue;
      }
      try {
        found.add(detail.unpack(type));
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalArgumentException(
            "a " + detail.getTypeUrl() + " detail of " + code + " does not parse", e);
      }
    }
    return List.copyOf(found);
  }

  public Status withDescription(@Nullable String description) {
    return new Status(code, description, cause, details);
  }

  /** Appends to the description, separated by a newline, keeping the rest. */
  public Status augmentDescription(String more) {
    requireNonNull(more, "more");
    return withDescription(description == null ? more : description + "\n" + more);
  }

  public Status withCause(@Nullable Throwable cause) {
    return new Status(code, description, cause, details);
  }

  /** This status with {@code details} (already packed) in place of its details. */
  public Status withDetails(List<Any> details) {
    return new Status(code, description, cause, List.copyOf(details));
  }

  /**
   * This status with {@code details} in place of its details: each message is packed into an {@link
   * Any} (with the usual {@code type.googleapis.com/} type URL), and an {@code Any} is kept as it
   * is.
   */
  public Status withDetails(Message... details) {
    List<Any> packed = new ArrayList<>(details.length);
    for (Message detail : details) {
      requireNonNull(detail, "detail");
      packed.add(detail instanceof Any any ? any : Any.pack(detail));
    }
    return new Status(code, description, cause, List.copyOf(packed));
  }

  /**
   * An unchecked exception carrying this status, to throw from a handler or to catch in a client.
   */
  public StatusException asException() {
    return new StatusException(this, new Metadata());
  }

  /** An exception carrying this status and trailers to send (server) or that were received. */
  public StatusException asException(Metadata trailers) {
    return new StatusException(this, trailers);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Status that
        && code == that.code
        && Objects.equals(description, that.description)
        && details.equals(that.details);
  }

  @Override
  public int hashCode() {
    return Objects.hash(code, description, details);
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder(code.name());
    if (description != null) {
      text.append(": ").append(description);
    }
    if (cause != null) {
      text.append(" (cause: ").append(cause).append(')');
    }
    return text.toString();
  }
}
