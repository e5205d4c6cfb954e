package dev.trunk;

import static java.util.Objects.requireNonNull;

import dev.trunk.internal.ReceivedHeaders;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The headers or trailers of a call: an ordered multimap from lower-case key to values.
 *
 * <p>Keys ending in {@code -bin} hold binary values (sent base64-encoded); all other keys hold
 * printable ASCII values that neither start nor end with a space (RFC 9113 section 8.2.1). Keys
 * starting with {@code grpc-} are reserved for gRPC itself, except the two retry keys of gRFC A6
 * that applications read or set ({@link #PREVIOUS_RPC_ATTEMPTS}, {@link #RETRY_PUSHBACK_MS}), and
 * the HTTP headers the transport sets or HTTP/2 forbids ({@code content-type}, {@code te}, {@code
 * user-agent}, {@code host}, connection-specific headers and {@code :} pseudo-headers) cannot be
 * added either: {@link #add} names what to use instead. Received request metadata may still show
 * the client's {@code user-agent}. Not thread-safe: build it on one thread, then hand it over.
 *
 * <pre>{@code
 * Metadata headers = new Metadata();
 * headers.add("x-request-id", "42");
 * headers.addBinary("x-trace-bin", traceBytes);
 * }</pre>
 */
public final class Metadata {
  /** Suffix that marks a key whose values are binary (PROTOCOL-HTTP2.md, Binary-Header). */
  public static final String BINARY_SUFFIX = "-bin";

  /**
   * The request key saying how many attempts of this call came before this one (absent on the
   * first; gRFC A6): set by the client's retry and hedging, readable by the server's handler.
   */
  public static final String PREVIOUS_RPC_ATTEMPTS = "grpc-previous-rpc-attempts";

  /**
   * The trailer key by which a server asks the client to retry after that many milliseconds, or,
   * with a negative or malformed value, not to retry at all (gRFC A6 server pushback).
   */
  public static final String RETRY_PUSHBACK_MS = "grpc-retry-pushback-ms";

  private static final String RESERVED_PREFIX = "grpc-";

  // The grpc- keys applications may read and set (gRFC A6 "Exposed Retry Metadata", "Pushback").
  private static final Set<String> APPLICATION_GRPC_KEYS =
      Set.of(PREVIOUS_RPC_ATTEMPTS, RETRY_PUSHBACK_MS);

  private static final String CONNECTION_SPECIFIC =
      "a connection-specific header, which HTTP/2 forbids (RFC 9113 section 8.2.2)";

  /** HTTP headers users may not add, each with what to do instead (PROTOCOL-HTTP2.md, Requests). */
  private static final Map<String, String> RESERVED_HEADERS =
      Map.of(
          "content-type", "set from the method's Codec (see Codec.name())",
          "te", "set by Trunk (te: trailers)",
          "user-agent", "use Channel.Builder.userAgent",
          "host", "use Channel.Builder.overrideAuthority (sent as :authority)",
          "connection", CONNECTION_SPECIFIC,
          "keep-alive", CONNECTION_SPECIFIC,
          "proxy-connection", CONNECTION_SPECIFIC,
          "transfer-encoding", CONNECTION_SPECIFIC,
          "upgrade", CONNECTION_SPECIFIC);

  static {
    ReceivedHeaders.install(Metadata::addReceived);
  }

  private static final Object[] NONE = {};

  // Key i at [2i], its value (a String, or a byte[] for -bin keys) at [2i + 1]. Most calls carry no
  // metadata, so the array is allocated on the first add.
  private Object[] entries = NONE;
  private int size;

  public Metadata() {}

  /** A copy of {@code other}. */
  public Metadata(Metadata other) {
    merge(other);
  }

  /**
   * Adds an ASCII value.
   *
   * @throws IllegalArgumentException if the key is malformed, reserved (a {@code grpc-} key or an
   *     HTTP header the transport owns, e.g. {@code user-agent}: the message says what to use
   *     instead) or binary, or the value is not printable ASCII or starts or ends with a space
   */
  public Metadata add(String key, String value) {
    String name = checkKey(key, false);
    if (isBinaryKey(name)) {
      throw new IllegalArgumentException("key '" + key + "' ends in -bin: use addBinary");
    }
    checkAsciiValue(name, requireNonNull(value, "value"));
    append(name, value);
    return this;
  }

  /**
   * Adds a binary value to a key ending in {@code -bin}.
   *
   * @throws IllegalArgumentException if the key is malformed, reserved or not binary
   */
  public Metadata addBinary(String key, byte[] value) {
    String name = checkKey(key, false);
    if (!isBinaryKey(name)) {
      throw new IllegalArgumentException("binary key '" + key + "' must end in -bin");
    }
    append(name, requireNonNull(value, "value").clone());
    return this;
  }

  /** The last ASCII value of the key, or null. */
  public @Nullable String get(String key) {
    String name = key.toLowerCase(Locale.ROOT);
    for (int i = size - 1; i >= 0; i--) {
      if (key(i).equals(name) && value(i) instanceof String text) {
        return text;
      }
    }
    return null;
  }

  /** The last binary value of the key, or null. */
  public byte @Nullable [] getBinary(String key) {
    String name = key.toLowerCase(Locale.ROOT);
    for (int i = size - 1; i >= 0; i--) {
      if (key(i).equals(name) && value(i) instanceof byte[] bytes) {
        return bytes.clone();
      }
    }
    return null;
  }

  /** Every ASCII value of the key, in the order added. */
  public List<String> getAll(String key) {
    String name = key.toLowerCase(Locale.ROOT);
    List<String> found = new ArrayList<>(1);
    for (int i = 0; i < size; i++) {
      if (key(i).equals(name) && value(i) instanceof String text) {
        found.add(text);
      }
    }
    return found;
  }

  /** Every binary value of the key, in the order added. */
  public List<byte[]> getAllBinary(String key) {
    String name = key.toLowerCase(Locale.ROOT);
    List<byte[]> found = new ArrayList<>(1);
    for (int i = 0; i < size; i++) {
      if (key(i).equals(name) && value(i) instanceof byte[] bytes) {
        found.add(bytes.clone());
      }
    }
    return found;
  }

  public boolean containsKey(String key) {
    String name = key.toLowerCase(Locale.ROOT);
    for (int i = 0; i < size; i++) {
      if (key(i).equals(name)) {
        return true;
      }
    }
    return false;
  }

  /** Removes every value of the key; returns whether any was removed. */
  public boolean removeAll(String key) {
    String name = key.toLowerCase(Locale.ROOT);
    int kept = 0;
    for (int i = 0; i < size; i++) {
      if (!key(i).equals(name)) {
        entries[2 * kept] = entries[2 * i];
        entries[2 * kept + 1] = entries[2 * i + 1];
        kept++;
      }
    }
    boolean removed = kept < size;
    Arrays.fill(entries, 2 * kept, 2 * size, null);
    size = kept;
    return removed;
  }

  /** Adds every entry of {@code other}. */
  public Metadata merge(Metadata other) {
    for (int i = 0; i < other.size; i++) {
      Object value = other.value(i);
      append(other.key(i), value instanceof byte[] bytes ? bytes.clone() : value);
    }
    return this;
  }

  /** The distinct keys, in the order first added. */
  public Set<String> keys() {
    Set<String> keys = new LinkedHashSet<>();
    for (int i = 0; i < size; i++) {
      keys.add(key(i));
    }
    return keys;
  }

  /** The number of entries (a key with two values counts twice). */
  public int size() {
    return size;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  /** Visits every entry in order; the value is a {@code String} or, for -bin keys, a byte[]. */
  public void forEach(EntryVisitor visitor) {
    for (int i = 0; i < size; i++) {
      visitor.visit(key(i), value(i));
    }
  }

  /** Receives the entries of {@link #forEach}. */
  @FunctionalInterface
  public interface EntryVisitor {
    /** Called once per entry; {@code value} is a String or a byte[] that must not be modified. */
    void visit(String key, Object value);
  }

  private String key(int i) {
    return (String) entries[2 * i];
  }

  private Object value(int i) {
    return entries[2 * i + 1];
  }

  private void append(String key, Object value) {
    if (2 * size == entries.length) {
      entries = Arrays.copyOf(entries, Math.max(8, entries.length * 2));
    }
    entries[2 * size] = key;
    entries[2 * size + 1] = value;
    size++;
  }

  /** Whether the key holds binary values. */
  public static boolean isBinaryKey(String key) {
    return key.endsWith(BINARY_SUFFIX);
  }

  /** The transport's path for received headers: reserved HTTP names allowed (user-agent). */
  private static void addReceived(Metadata metadata, String key, String value) {
    String name = checkKey(key, true);
    checkAsciiValue(name, requireNonNull(value, "value"));
    metadata.append(name, value);
  }

  private static String checkKey(String key, boolean received) {
    requireNonNull(key, "key");
    String name = key.toLowerCase(Locale.ROOT);
    if (name.isEmpty()) {
      throw new IllegalArgumentException("metadata key is empty");
    }
    if (name.charAt(0) == ':') {
      throw new IllegalArgumentException(
          "metadata key '" + key + "' is an HTTP/2 pseudo-header, reserved for the transport");
    }
    String reserved = received ? null : RESERVED_HEADERS.get(name);
    if (reserved != null) {
      throw new IllegalArgumentException(
          "metadata key '" + key + "' is a reserved HTTP header: " + reserved);
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean legal =
          (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
      if (!legal) {
        throw new IllegalArgumentException(
            "metadata key '"
                + key
                + "' has illegal character '"
                + c
                + "' (allowed: 0-9 a-z _ - .)");
      }
    }
    if (name.startsWith(RESERVED_PREFIX) && !APPLICATION_GRPC_KEYS.contains(name)) {
      throw new IllegalArgumentException("metadata key '" + key + "' is reserved for gRPC");
    }
    return name;
  }

  private static void checkAsciiValue(String key, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        throw new IllegalArgumentException(
            "value of metadata key '" + key + "' has a non-printable-ASCII character at " + i);
      }
    }
    if (value.startsWith(" ") || value.endsWith(" ")) {
      throw new IllegalArgumentException(
          "value of metadata key '"
              + key
              + "' starts or ends with a space, which HTTP/2 does not allow (RFC 9113 8.2.1)");
    }
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder("Metadata(");
    for (int i = 0; i < size; i++) {
      if (i > 0) {
        text.append(", ");
      }
      Object value = value(i);
      text.append(key(i)).append('=');
      text.append(value instanceof byte[] bytes ? bytes.length + " bytes" : value);
    }
    return text.append(')').toString();
  }
}
