package dev.trunk.internal.netty;

import dev.trunk.Status;

/**
 * A request refused before any handler ran: the status to answer, and the HTTP status gRPC gives it
 * (PROTOCOL-HTTP2.md). Each {@link WireProtocol} answers it in its own error form.
 */
final class Rejection extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int httpStatus;
  private final transient Status status;

  Rejection(int httpStatus, Status status) {
    super(status.toString(), null, false, false);
    this.httpStatus = httpStatus;
    this.status = status;
  }

  /** A refusal whose HTTP status is 200: the error travels in the protocol's status fields. */
  static Rejection of(Status status) {
    return new Rejection(200, status);
  }

  int httpStatus() {
    return httpStatus;
  }

  Status status() {
    return status;
  }
}
