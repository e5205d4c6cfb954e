package dev.trunk.internal;

import java.lang.System.Logger.Level;
import java.util.ServiceLoader;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.NOPLoggerFactory;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * Trunk's logger: SLF4J when the application has an SLF4J provider (Logback, slf4j-simple, ...),
 * otherwise the JDK's {@link System.Logger}, which goes to java.util.logging and prints INFO and
 * above to {@code System.err} by default. Without the fallback, an application with only Trunk's
 * dependencies would get SLF4J's no-operation logger, and a failing handler would leave no trace.
 * An application that chose slf4j-nop keeps it.
 *
 * <p>Messages use SLF4J's {@code {}} placeholders; a last argument that is a {@link Throwable} is
 * logged with its stack trace, not put in the message (as SLF4J 2 does). Thread-safe.
 *
 * <pre>{@code
 * private static final Log log = Log.of(MyClass.class);
 * log.warn("connection from {} failed", peer, cause);
 * }</pre>
 */
public final class Log {
  private static final String PLACEHOLDER = "{}";

  /** Whether to log through SLF4J; decided once, when the first logger is made. */
  private static final boolean USE_SLF4J = !slf4jFellBackToNop();

  private final org.slf4j.@Nullable Logger slf4j;
  private final System.@Nullable Logger jdk;

  private Log(Class<?> owner) {
    this.slf4j = USE_SLF4J ? LoggerFactory.getLogger(owner) : null;
    this.jdk = USE_SLF4J ? null : System.getLogger(owner.getName());
  }

  /** The logger named after {@code owner}. */
  public static Log of(Class<?> owner) {
    return new Log(owner);
  }

  /**
   * Whether SLF4J found no provider and fell back to its no-operation logger (SLF4J 2 does that
   * with one warning on stderr). A no-operation factory with a declared provider is slf4j-nop,
   * chosen on purpose.
   */
  private static boolean slf4jFellBackToNop() {
    return LoggerFactory.getILoggerFactory() instanceof NOPLoggerFactory
        && ServiceLoader.load(SLF4JServiceProvider.class, LoggerFactory.class.getClassLoader())
            .stream()
            .findAny()
            .isEmpty();
  }

  /** Whether DEBUG messages are logged. */
  public boolean isDebugEnabled() {
    return slf4j != null ? slf4j.isDebugEnabled() : requireJdk().isLoggable(Level.DEBUG);
  }

  /** Logs at DEBUG. */
  public void debug(String format, @Nullable Object... args) {
    if (slf4j != null) {
      slf4j.debug(format, args);
    } else {
      jdk(Level.DEBUG, format, args);
    }
  }

  /** Logs at INFO. */
  public void info(String format, @Nullable Object... args) {
    if (slf4j != null) {
      slf4j.info(format, args);
    } else {
      jdk(Level.INFO, format, args);
    }
  }

  /** Logs at WARN (the JDK's WARNING). */
  public void warn(String format, @Nullable Object... args) {
    if (slf4j != null) {
      slf4j.warn(format, args);
    } else {
      jdk(Level.WARNING, format, args);
    }
  }

  /** Logs at ERROR (the JDK's SEVERE). */
  public void error(String format, @Nullable Object... args) {
    if (slf4j != null) {
      slf4j.error(format, args);
    } else {
      jdk(Level.ERROR, format, args);
    }
  }

  private System.Logger requireJdk() {
    System.Logger logger = jdk;
    if (logger == null) {
      throw new IllegalStateException("no JDK logger: this Log uses SLF4J");
    }
    return logger;
  }

  private void jdk(Level level, String format, @Nullable Object[] args) {
    System.Logger logger = requireJdk();
    if (!logger.isLoggable(level)) {
      return;
    }
    Throwable thrown = args.length > 0 && args[args.length - 1] instanceof Throwable t ? t : null;
    int values = thrown == null ? args.length : args.length - 1;
    logger.log(level, substitute(format, args, values), thrown);
  }

  /** {@code format} with each {@code {}} replaced by the next of the first {@code values} args. */
  static String substitute(String format, @Nullable Object[] args, int values) {
    StringBuilder out = new StringBuilder(format.length() + 32);
    int used = 0;
    int from = 0;
    int at;
    while (used < values && (at = format.indexOf(PLACEHOLDER, from)) >= 0) {
      out.append(format, from, at).append(args[used++]);
      from = at + PLACEHOLDER.length();
    }
    return out.append(format, from, format.length()).toString();
  }
}
