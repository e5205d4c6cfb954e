package dev.trunk;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Per-call settings on the client: timeout or deadline, request metadata and compression.
 *
 * <p>Immutable and thread-safe; each {@code with} method returns a copy. A timeout is turned into a
 * deadline when each call starts; a fixed deadline applies as is. When both are set the earlier
 * wins. A call made inside a server handler also inherits that call's deadline and cancellation.
 *
 * <pre>{@code
 * CallOptions options = CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(2)).withCompression("gzip");
 * }</pre>
 */
public final class CallOptions {
  /** No timeout, no metadata, no compression. */
  public static final CallOptions DEFAULT = new CallOptions(null, null, new Metadata(), null, null);

  private final @Nullable Duration timeout;
  private final @Nullable Deadline deadline;
  private final Metadata metadata;
  private final @Nullable String compression;
  private final @Nullable Boolean waitForReady;

  private CallOptions(
      @Nullable Duration timeout,
      @Nullable Deadline deadline,
      Metadata metadata,
      @Nullable String compression,
      @Nullable Boolean waitForReady) {
    this.timeout = timeout;
    this.deadline = deadline;
    this.metadata = metadata;
    this.compression = compression;
    this.waitForReady = waitForReady;
  }

  /** Each call gets a deadline {@code timeout} after it starts. */
  public CallOptions withTimeout(Duration timeout) {
    requireNonNull(timeout, "timeout");
    return new CallOptions(timeout, deadline, metadata, compression, waitForReady);
  }

  /** Every call must finish by {@code deadline}. */
  public CallOptions withDeadline(Deadline deadline) {
    requireNonNull(deadline, "deadline");
    return new CallOptions(timeout, deadline, metadata, compression, waitForReady);
  }

  /** Adds every entry of {@code extra} to the request metadata. */
  public CallOptions withMetadata(Metadata extra) {
    Metadata merged = new Metadata(metadata).merge(requireNonNull(extra, "extra"));
    return new CallOptions(timeout, deadline, merged, compression, waitForReady);
  }

  /**
   * Compresses request messages with {@code encoding} ({@code "gzip"} or {@code "identity"}).
   *
   * @throws IllegalArgumentException if Trunk does not know the encoding
   */
  public CallOptions withCompression(String encoding) {
    requireNonNull(encoding, "encoding");
    if (!encoding.equals("gzip") && !encoding.equals("identity")) {
      throw new IllegalArgumentException("unknown compression '" + encoding + "' (gzip, identity)");
    }
    return new CallOptions(timeout, deadline, metadata, encoding, waitForReady);
  }

  /**
   * Whether the call waits for a connection (wait-for-ready): with {@code true}, a call made while
   * the channel cannot connect (TRANSIENT_FAILURE) waits until a connection is READY or its
   * deadline passes, instead of failing at once with UNAVAILABLE. Unset, the method's service
   * config decides, and without one the call fails fast.
   */
  public CallOptions withWaitForReady(boolean enabled) {
    return new CallOptions(timeout, deadline, metadata, compression, enabled);
  }

  /** Whether the call waits for ready, if these options say (see {@link #withWaitForReady}). */
  public Optional<Boolean> waitForReady() {
    return Optional.ofNullable(waitForReady);
  }

  public Optional<Duration> timeout() {
    return Optional.ofNullable(timeout);
  }

  public Optional<Deadline> deadline() {
    return Optional.ofNullable(deadline);
  }

  /** A copy of the request metadata. */
  public Metadata metadata() {
    return new Metadata(metadata);
  }

  /** The request compression, if any. */
  public Optional<String> compression() {
    return Optional.ofNullable(compression);
  }

  /** The deadline for a call that starts now, combining timeout and deadline; null if neither. */
  public @Nullable Deadline effectiveDeadline() {
    Deadline fromTimeout = timeout == null ? null : Deadline.after(timeout);
    if (fromTimeout == null) {
      return deadline;
    }
    return deadline == null ? fromTimeout : deadline.min(fromTimeout);
  }

  @Override
  public String toString() {
    return "CallOptions(timeout="
        + timeout
        + ", deadline="
        + deadline
        + ", compression="
        + compression
        + ", waitForReady="
        + waitForReady
        + ", "
        + metadata
        + ")";
  }
}
