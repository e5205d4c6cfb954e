package dev.trunk.opentelemetry;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.event.LoggingEvent;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.spi.LoggingEventAware;

/** An SLF4J logger that keeps what it is given, key-values included, for tests to read. */
final class RecordingLogger extends LegacyAbstractLogger implements LoggingEventAware {
  private static final long serialVersionUID = 1L;

  /** One logged line: its level, formatted message and key-values. */
  record Line(Level level, String message, Map<String, String> fields) {}

  private final transient List<Line> lines = new CopyOnWriteArrayList<>();
  private final boolean debug;

  RecordingLogger(boolean debug) {
    this.name = "recording";
    this.debug = debug;
  }

  List<Line> lines() {
    return lines;
  }

  @Override
  public void log(LoggingEvent event) {
    String message =
        MessageFormatter.basicArrayFormat(event.getMessage(), event.getArgumentArray());
    Map<String, String> fields =
        event.getKeyValuePairs() == null
            ? Map.of()
            : event.getKeyValuePairs().stream()
                .collect(Collectors.toMap(pair -> pair.key, pair -> String.valueOf(pair.value)));
    lines.add(new Line(event.getLevel(), message, fields));
  }

  @Override
  protected @Nullable String getFullyQualifiedCallerName() {
    return null;
  }

  @Override
  protected void handleNormalizedLoggingCall(
      Level level,
      @Nullable Marker marker,
      String messagePattern,
      Object @Nullable [] arguments,
      @Nullable Throwable throwable) {
    lines.add(
        new Line(level, MessageFormatter.basicArrayFormat(messagePattern, arguments), Map.of()));
  }

  @Override
  public boolean isTraceEnabled() {
    return debug;
  }

  @Override
  public boolean isDebugEnabled() {
    return debug;
  }

  @Override
  public boolean isInfoEnabled() {
    return true;
  }

  @Override
  public boolean isWarnEnabled() {
    return true;
  }

  @Override
  public boolean isErrorEnabled() {
    return true;
  }
}
