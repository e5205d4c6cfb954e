package dev.trunk;

import static java.util.Objects.requireNonNull;

/**
 * An unchecked exception that carries a {@link Status} and trailing {@link Metadata}.
 *
 * <p>Handlers throw it to end a call with a status; clients receive it when a call ends with a
 * status other than OK. Its message is the status's code and description.
 */
public final class StatusException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient Status status;
  private final transient Metadata trailers;

  public StatusException(Status status) {
    this(status, new Metadata());
  }

  public StatusException(Status status, Metadata trailers) {
    super(requireNonNull(status, "status").code() + describe(status), status.cause());
    this.status = status;
    this.trailers = requireNonNull(trailers, "trailers");
  }

  private static String describe(Status status) {
    return status.description() == null ? "" : ": " + status.description();
  }

  public Status status() {
    return status;
  }

  /** The trailers that came with the status (client) or that will be sent with it (server). */
  public Metadata trailers() {
    return trailers;
  }
}
