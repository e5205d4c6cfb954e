package dev.trunk.internal.web;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A directory served under a URL prefix: which request paths it covers, the file a path names, and
 * that file's content type.
 *
 * <p>A path's segments are percent-decoded (RFC 3986 section 2.1) and must not be {@code .} or
 * {@code ..} (clients remove dot-segments before sending, RFC 3986 section 5.2.4, so one that
 * arrives is an attempt to leave the directory) nor start with a dot (hidden files such as {@code
 * .git} are not served). A directory is served as its {@code index.html}; there is no listing. A
 * file reached through a symbolic link that leads out of the directory is not served.
 *
 * @param prefix the URL path prefix, starting and ending with {@code /}
 * @param directory the served directory, absolute and with symbolic links resolved
 */
public record StaticFiles(String prefix, Path directory) {
  /** What a directory is served as (the convention of web servers; no spec names it). */
  static final String INDEX = "index.html";

  /** For extensions not in {@link #CONTENT_TYPES}: arbitrary bytes (RFC 2046 section 4.5.1). */
  static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";

  /** Media types by file extension, as registered with IANA (text ones in UTF-8). */
  private static final Map<String, String> CONTENT_TYPES =
      Map.ofEntries(
          Map.entry("html", "text/html; charset=utf-8"),
          Map.entry("js", "text/javascript; charset=utf-8"),
          Map.entry("mjs", "text/javascript; charset=utf-8"),
          Map.entry("css", "text/css; charset=utf-8"),
          Map.entry("json", "application/json"),
          Map.entry("txt", "text/plain; charset=utf-8"),
          Map.entry("png", "image/png"),
          Map.entry("svg", "image/svg+xml"),
          Map.entry("ico", "image/vnd.microsoft.icon"),
          Map.entry("wasm", "application/wasm"));

  /**
   * The files of {@code directory} under {@code prefix}.
   *
   * @throws IllegalArgumentException if the prefix does not start with {@code /} or the directory
   *     is not a readable directory
   */
  public static StaticFiles of(String prefix, Path directory) {
    if (!prefix.startsWith("/")) {
      throw new IllegalArgumentException(
          "static files' URL prefix must start with '/', was '" + prefix + "'");
    }
    Path real;
    try {
      real = directory.toRealPath();
    } catch (IOException e) {
      throw new IllegalArgumentException("static files' directory " + directory + ": " + e, e);
    }
    if (!Files.isDirectory(real)) {
      throw new IllegalArgumentException("static files' directory " + directory + " is a file");
    }
    return new StaticFiles(prefix.endsWith("/") ? prefix : prefix + "/", real);
  }

  /** Whether a request path (without its query) is under this prefix. */
  public boolean covers(String path) {
    return path.startsWith(prefix);
  }

  /**
   * The regular file a covered request path names, or null if there is none.
   *
   * @throws IllegalArgumentException if the path is malformed or has a dot-segment
   */
  public @Nullable Path resolve(String rawPath) throws IOException {
    Path file = directory;
    for (String segment : rawPath.substring(prefix.length()).split("/", -1)) {
      String name = decode(segment);
      if (name.equals(".") || name.equals("..")) {
        throw new IllegalArgumentException(
            "path '" + rawPath + "' has a '" + name + "' segment; send the path without it");
      }
      if (name.startsWith(".")
          || name.indexOf('/') >= 0
          || name.indexOf('\\') >= 0
          || name.indexOf('\0') >= 0) {
        return null;
      }
      file = name.isEmpty() ? file : file.resolve(name);
    }
    if (Files.isDirectory(file)) {
      file = file.resolve(INDEX);
    }
    if (!Files.isRegularFile(file)) {
      return null;
    }
    return file.toRealPath().startsWith(directory) ? file : null;
  }

  /** The media type of a file by its extension. */
  public static String contentType(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String extension = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    return CONTENT_TYPES.getOrDefault(extension, DEFAULT_CONTENT_TYPE);
  }

  private static String decode(String segment) {
    if (segment.indexOf('%') < 0) {
      return segment;
    }
    try {
      return URI.create("/" + segment).getPath().substring(1);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "path segment '" + segment + "' is not percent-encoded correctly (RFC 3986 2.1)", e);
    }
  }
}
