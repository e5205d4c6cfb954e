package dev.trunk;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The headers or trailers of a call: an ordered multimap from lower-case key to values.
 *
 * <p>Keys ending in {@code -bin} hold binary values (sent base64-encoded); all other keys hold
 * printable ASCII values. Keys starting with {@code grpc-} are reserved for gRPC itself and are
 * refused. Not thread-safe: build it on one thread, then hand it over.
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

  private static final String RESERVED_PREFIX = "grpc-";

  private final List<String> keys;
  private final List<Object> values;

  public Metadata() {
    // Most calls carry no metadata: the lists allocate their arrays on the first add.
    keys = new ArrayList<>();
    values = new ArrayList<>();
  }

  /** A copy of {@code other}. */
  public Metadata(Metadata other) {
    keys = new ArrayList<>(other.keys);
    values = new ArrayList<>(other.values.size());
    for (Object value : other.values) {
      values.add(value instanceof byte[] bytes ? bytes.clone() : value);
    }
  }

  /**
   * Adds an ASCII value.
   *
   * @throws IllegalArgumentException if the key is malformed, reserved or binary, or the value is
   *     not printable ASCII
   */
  public Metadata add(String key, String value) {
    String name = checkKey(key);
    if (isBinaryKey(name)) {
      throw new IllegalArgumentException("key '" + key + "' ends in -bin: use addBinary");
    }
    checkAsciiValue(name, requireNonNull(value, "value"));
    keys.add(name);
    values.add(value);
    return this;
  }

  /**
   * Adds a binary value to a key ending in {@code -bin}.
   *
   * @throws IllegalArgumentException if the key is malformed, reserved or not binary
   */
  public Metadata addBinary(String key, byte[] value) {
    String name = checkKey(key);
    if (!isBinaryKey(name)) {
      throw new IllegalArgumentException("binary key '" + key + "' must end in -bin");
    }
    keys.add(name);
    values.add(requireNonNull(value, "value").clone());
    return this;
  }

  /** The last ASCII value of the key, or null. */
  public @Nullable String get(String key) {
    String name = key.toLowerCase(Locale.ROOT);
    for (int i = keys.size() - 1; i >= 0; i--) {
      if (keys.get(i).equals(name) && values.get(i) instanceof String text) {
        return text;
      }
    }
    return null;
  }

  /** The last binary value of the key, or null. */
  public byte @Nullable [] getBinary(String key) {
    String name = key.toLowerCase(Locale.ROOT);
    for (int i = keys.size() - 1; i >= 0; i--) {
      if (keys.get(i).equals(name) && values.get(i) instanceof byte[] bytes) {
        return bytes.clone();
      }
    }
    return null;
  }

  /** Every ASCII value of the key, in the order added. */
  public List<String> getAll(String key) {
    String name = key.toLowerCase(Locale.ROOT);
    List<String> found = new ArrayList<>(1);
    for (int i = 0; i < keys.size(); i++) {
      if (keys.get(i).equals(name) && values.get(i) instanceof String text) {
        found.add(text);
      }
    }
    return found;
  }

  /** Every binary value of the key, in the order added. */
  public List<byte[]> getAllBinary(String key) {
    String name = key.toLowerCase(Locale.ROOT);
    List<byte[]> found = new ArrayList<>(1);
    for (int i = 0; i < keys.size(); i++) {
      if (keys.get(i).equals(name) && values.get(i) instanceof byte[] bytes) {
        found.add(bytes.clone());
      }
    }
    return found;
  }

  public boolean containsKey(String key) {
    return keys.contains(key.toLowerCase(Locale.ROOT));
  }

  /** Removes every value of the key; returns whether any was removed. */
  public boolean removeAll(String key) {
    String name = key.toLowerCase(Locale.ROOT);
    boolean removed = false;
    for (int i = keys.size() - 1; i >= 0; i--) {
      if (keys.get(i).equals(name)) {
        keys.remove(i);
        values.remove(i);
        removed = true;
      }
    }
    return removed;
  }

  /** Adds every entry of {@code other}. */
  public Metadata merge(Metadata other) {
    for (int i = 0; i < other.keys.size(); i++) {
      keys.add(other.keys.get(i));
      Object value = other.values.get(i);
      values.add(value instanceof byte[] bytes ? bytes.clone() : value);
    }
    return this;
  }

  /** The distinct keys, in the order first added. */
  public Set<String> keys() {
    return new LinkedHashSet<>(keys);
  }

  /** The number of entries (a key with two values counts twice). */
  public int size() {
    return keys.size();
  }

  public boolean isEmpty() {
    return keys.isEmpty();
  }

  /** Visits every entry in order; the value is a {@code String} or, for -bin keys, a byte[]. */
  public void forEach(EntryVisitor visitor) {
    for (int i = 0; i < keys.size(); i++) {
      visitor.visit(keys.get(i), values.get(i));
    }
  }

  /** Receives the entries of {@link #forEach}. */
  @FunctionalInterface
  public interface EntryVisitor {
    /** Called once per entry; {@code value} is a String or a byte[] that must not be modified. */
    void visit(String key, Object value);
  }

  /** Whether the key holds binary values. */
  public static boolean isBinaryKey(String key) {
    return key.endsWith(BINARY_SUFFIX);
  }

  private static String checkKey(String key) {
    requireNonNull(key, "key");
    String name = key.toLowerCase(Locale.ROOT);
    if (name.isEmpty()) {
      throw new IllegalArgumentException("metadata key is empty");
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
    if (name.startsWith(RESERVED_PREFIX)) {
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
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder("Metadata(");
    for (int i = 0; i < keys.size(); i++) {
      if (i > 0) {
        text.append(", ");
      }
      Object value = values.get(i);
      text.append(keys.get(i)).append('=');
      text.append(value instanceof byte[] bytes ? bytes.length + " bytes" : value);
    }
    return text.append(')').toString();
  }
}
