package dev.trunk.spi;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A channel target split as gRPC's naming document reads it: {@code scheme:[//authority]path}.
 * {@code dns:///example.com:443} has scheme {@code dns}, an empty authority and path {@code
 * /example.com:443}; {@code unix:relative/socket} has no authority and path {@code
 * relative/socket}. Immutable.
 *
 * <p>Parsing only splits; each resolver checks the parts its scheme needs. Targets with no scheme
 * (or a scheme no resolver is registered for, such as {@code localhost:50051}) are read by the
 * channel as {@code dns:///} followed by the whole target.
 *
 * @param scheme lower case, without the colon
 * @param authority the text between {@code //} and the next {@code /}, possibly empty; null when
 *     the target has no {@code //}
 * @param path the rest: starts with {@code /} when there is an authority
 * @param text the target as given
 */
public record Target(String scheme, @Nullable String authority, String path, String text) {
  // RFC 3986 section 3.1: a letter, then letters, digits, '+', '-' or '.'.
  private static final Pattern SCHEME =
      Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*):(.*)", Pattern.DOTALL);

  /** Splits {@code text}, or returns empty if it does not start with a scheme. */
  public static Optional<Target> parse(String text) {
    Matcher matcher = SCHEME.matcher(text);
    if (!matcher.matches()) {
      return Optional.empty();
    }
    String scheme = matcher.group(1).toLowerCase(Locale.ROOT);
    String rest = matcher.group(2);
    if (!rest.startsWith("//")) {
      return Optional.of(new Target(scheme, null, rest, text));
    }
    int slash = rest.indexOf('/', 2);
    String authority = slash < 0 ? rest.substring(2) : rest.substring(2, slash);
    String path = slash < 0 ? "" : rest.substring(slash);
    return Optional.of(new Target(scheme, authority, path, text));
  }

  /** The path without its leading {@code /}, as the {@code dns} scheme names its host. */
  public String pathWithoutSlash() {
    return path.startsWith("/") ? path.substring(1) : path;
  }

  @Override
  public String toString() {
    return text;
  }
}
