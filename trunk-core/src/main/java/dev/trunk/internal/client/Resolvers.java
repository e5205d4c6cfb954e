package dev.trunk.internal.client;

import dev.trunk.spi.NameResolver;
import dev.trunk.spi.Target;
import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeSet;

/**
 * The name resolvers a channel can use, by scheme: those registered with {@link ServiceLoader} and,
 * winning over them, those given to the channel's builder.
 */
public final class Resolvers {
  /** The scheme of targets that name none (gRPC's naming document). */
  static final String DEFAULT_SCHEME = "dns";

  private static final Map<String, NameResolver.Provider> LOADED = load();

  private final Map<String, NameResolver.Provider> byScheme;

  /** The loaded resolvers plus {@code registered} (by scheme), which win. */
  public Resolvers(Map<String, NameResolver.Provider> registered) {
    Map<String, NameResolver.Provider> all = new HashMap<>(LOADED);
    all.putAll(registered);
    this.byScheme = Map.copyOf(all);
  }

  private static Map<String, NameResolver.Provider> load() {
    Map<String, NameResolver.Provider> byScheme = new HashMap<>();
    for (NameResolver.Provider provider : ServiceLoader.load(NameResolver.Provider.class)) {
      byScheme.put(provider.scheme(), provider);
    }
    return byScheme;
  }

  /** A target with the provider that resolves it. */
  public record Resolved(Target target, NameResolver.Provider provider) {}

  /**
   * Finds how to resolve {@code text}: by its scheme when a resolver is registered for it,
   * otherwise as {@code dns:///text} (so {@code localhost:50051} is a DNS name and port).
   *
   * @throws IllegalArgumentException if the target contains whitespace, is a URL, or names an
   *     unknown scheme with an authority ({@code foo://...})
   */
  public Resolved find(String text) {
    if (text.chars().anyMatch(Character::isWhitespace)) {
      throw invalid(text, "it contains whitespace");
    }
    Target parsed = Target.parse(text).orElse(null);
    if (parsed != null) {
      NameResolver.Provider provider = byScheme.get(parsed.scheme());
      if (provider != null) {
        return new Resolved(parsed, provider);
      }
      if (parsed.authority() != null) {
        throw invalid(text, unknownScheme(parsed.scheme()));
      }
    }
    Target dns = Target.parse(DEFAULT_SCHEME + ":///" + text).orElseThrow();
    return new Resolved(dns, byScheme.get(DEFAULT_SCHEME));
  }

  private String unknownScheme(String scheme) {
    if (scheme.equals("http") || scheme.equals("https")) {
      return "a URL is not a target; give host:port, and choose TLS with Channel.Builder.tls()";
    }
    return "no name resolver is registered for the scheme '"
        + scheme
        + ":' (known: "
        + new TreeSet<>(byScheme.keySet())
        + "; register one with Channel.Builder.nameResolver)";
  }

  private static IllegalArgumentException invalid(String target, String problem) {
    return new IllegalArgumentException("target '" + target + "' is not valid: " + problem);
  }
}
