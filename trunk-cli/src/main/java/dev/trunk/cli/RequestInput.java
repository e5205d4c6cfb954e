package dev.trunk.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * Where {@code call} reads its requests: {@code -d '{json}'}, {@code -d @file}, or standard input
 * ({@code -d @-}, or no {@code -d}). A method that takes one request reads all of it as one JSON
 * message (which may span lines; empty input is the empty message {@code {}}); a streaming method
 * reads one JSON message per non-blank line, as it arrives.
 */
public final class RequestInput implements AutoCloseable {
  /** The request of a method that takes one, when the input is empty. */
  public static final String EMPTY_MESSAGE = "{}";

  private final BufferedReader reader;
  private final String name;
  private final boolean owned;
  private int line;

  private RequestInput(BufferedReader reader, String name, boolean owned) {
    this.reader = reader;
    this.name = name;
    this.owned = owned;
  }

  /**
   * The input {@code data} (the value of {@code -d}, or null) names; {@code stdin} for {@code @-}.
   */
  public static RequestInput open(@Nullable String data, InputStream stdin) {
    if (data == null || data.equals("@-")) {
      return new RequestInput(reader(stdin), "standard input", false);
    }
    if (!data.startsWith("@")) {
      return new RequestInput(new BufferedReader(new StringReader(data)), "-d", true);
    }
    Path file = Path.of(data.substring(1));
    try {
      return new RequestInput(
          Files.newBufferedReader(file, StandardCharsets.UTF_8), file.toString(), true);
    } catch (IOException e) {
      throw new CliException(ExitCode.USAGE, "cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** All of the input as one message's JSON, {@code {}} if it is blank. */
  public String whole() {
    StringBuilder text = new StringBuilder();
    for (String next = readLine(); next != null; next = readLine()) {
      text.append(next).append('\n');
    }
    return text.toString().isBlank() ? EMPTY_MESSAGE : text.toString();
  }

  /** The next non-blank line, or null at the end of the input. */
  public @Nullable String next() {
    for (String next = readLine(); next != null; next = readLine()) {
      if (!next.isBlank()) {
        return next;
      }
    }
    return null;
  }

  /** Names the input and the line last read, for errors: {@code "-d, line 2"}. */
  public String where() {
    return name + ", line " + line;
  }

  /** Names the input, for errors about all of it. */
  public String name() {
    return name;
  }

  private @Nullable String readLine() {
    try {
      String next = reader.readLine();
      if (next != null) {
        line++;
      }
      return next;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + name, e);
    }
  }

  /** Closes a file; standard input stays open. */
  @Override
  public void close() {
    if (!owned) {
      return;
    }
    try {
      reader.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static BufferedReader reader(InputStream in) {
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
  }
}
