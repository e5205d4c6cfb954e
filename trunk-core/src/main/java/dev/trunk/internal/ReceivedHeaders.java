package dev.trunk.internal;

import static java.util.Objects.requireNonNull;

import dev.trunk.Metadata;
import org.jspecify.annotations.Nullable;

/**
 * Lets a transport put into received metadata a header that users may not add themselves: the
 * client's {@code user-agent}, shown to server handlers as grpc-java shows it. {@link Metadata}
 * refuses that name in {@code add} and installs this access when it loads, so the user-added and
 * the transport-received paths stay distinct without a public method.
 */
public final class ReceivedHeaders {
  /** Implemented by {@link Metadata}: adds a received value, skipping the reserved-name check. */
  public interface Access {
    /**
     * @throws IllegalArgumentException if the key or value is malformed
     */
    void addReceived(Metadata metadata, String key, String value);
  }

  private static volatile @Nullable Access access;

  private ReceivedHeaders() {}

  /**
   * Called once, by {@link Metadata}'s static initializer.
   *
   * @throws IllegalStateException if called again
   */
  public static void install(Access metadataAccess) {
    if (access != null) {
      throw new IllegalStateException("already installed");
    }
    access = requireNonNull(metadataAccess, "metadataAccess");
  }

  /**
   * Adds a received header value that may have a reserved name.
   *
   * @throws IllegalArgumentException if the key or value is malformed
   */
  public static void add(Metadata metadata, String key, String value) {
    // An instance exists, so Metadata has loaded and installed the access.
    requireNonNull(access, "Metadata did not install its access").addReceived(metadata, key, value);
  }
}
