package dev.trunk.opentelemetry;

import java.security.cert.CertificateException;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;

/** Sorts a failed TLS handshake into the {@code error.type} values of the metric table. */
final class TlsFailures {
  static final String TIMEOUT = "timeout";
  static final String CERTIFICATE = "certificate";
  static final String PROTOCOL = "protocol";
  static final String OTHER = "other";

  private TlsFailures() {}

  /**
   * {@code timeout} if the handshake timed out; {@code certificate} if a certificate was refused
   * (by this side's checks, or by the peer's alert); {@code protocol} for other TLS failures
   * (plaintext to a TLS port, no common protocol or cipher); {@code other} for anything else.
   */
  static String errorType(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof TimeoutException || t.getClass().getSimpleName().contains("Timeout")) {
        return TIMEOUT;
      }
      if (t instanceof CertificateException
          || t instanceof SSLPeerUnverifiedException
          || String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT).contains("certificate")) {
        return CERTIFICATE;
      }
    }
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof SSLException) {
        return PROTOCOL;
      }
    }
    return OTHER;
  }
}
