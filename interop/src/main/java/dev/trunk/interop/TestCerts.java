package dev.trunk.interop;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * gRPC's test certificates, unpacked from io.grpc:grpc-testing into this jar at build time: the
 * test CA and the {@code server1} key pair, valid for {@code *.test.google.fr}.
 */
final class TestCerts {
  /**
   * The host name server1.pem is valid for, as interop clients pass it in --server_host_override.
   */
  static final String SERVER_HOST_OVERRIDE = "foo.test.google.fr";

  private TestCerts() {}

  static byte[] caPem() {
    return read("ca.pem");
  }

  static byte[] server1Pem() {
    return read("server1.pem");
  }

  static byte[] server1Key() {
    return read("server1.key");
  }

  private static byte[] read(String name) {
    String resource = "/certs/" + name;
    try (InputStream in = TestCerts.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is missing from the class path");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }
}
