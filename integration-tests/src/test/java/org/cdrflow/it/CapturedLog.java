package org.cdrflow.it;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.apache.logging.log4j.core.layout.PatternLayout;

/**
 * Captures every log line of this JVM (what the test's log4j2 configuration lets through, at the
 * levels asked for) from {@link #start} to {@link #close}, formatted with message and stack trace,
 * so that a test can read what an operator would read in the logs.
 */
final class CapturedLog implements AutoCloseable {
  private final LoggerContext context;
  private final Appender appender;
  private final Queue<String> lines = new ConcurrentLinkedQueue<>();
  private final Map<String, Level> previousLevels = new HashMap<>();
  private final List<String> addedLoggers = new ArrayList<>();

  private CapturedLog(Map<String, Level> levels) {
    context = (LoggerContext) LogManager.getContext(false);
    Configuration config = context.getConfiguration();
    PatternLayout layout =
        PatternLayout.newBuilder()
            .withConfiguration(config)
            .withPattern("%d{HH:mm:ss.SSS} %-5p [%t] %c - %m%n%throwable")
            .build();
    appender =
        new AbstractAppender(
            "captured-" + System.nanoTime(), null, layout, true, Property.EMPTY_ARRAY) {
          @Override
          public void append(LogEvent event) {
            lines.add(layout.toSerializable(event));
          }
        };
    appender.start();
    config.addAppender(appender);
    for (Map.Entry<String, Level> e : levels.entrySet()) {
      String name = e.getKey();
      LoggerConfig lc = name.isEmpty() ? config.getRootLogger() : config.getLoggerConfig(name);
      if (lc.getName().equals(name)) {
        previousLevels.put(name, lc.getLevel());
        lc.setLevel(e.getValue());
      } else {
        config.addLogger(name, new LoggerConfig(name, e.getValue(), true));
        addedLoggers.add(name);
      }
    }
    for (LoggerConfig lc : config.getLoggers().values()) {
      if (!lc.isAdditive() && lc != config.getRootLogger()) {
        lc.addAppender(appender, null, null);
      }
    }
    config.getRootLogger().addAppender(appender, null, null);
    context.updateLoggers();
  }

  /**
   * Starts capturing; {@code levels} sets logger levels for the capture ("" is the root logger),
   * restored on {@link #close}.
   */
  static CapturedLog start(Map<String, Level> levels) {
    return new CapturedLog(levels);
  }

  /** The lines captured so far; a line may span several (a stack trace). */
  List<String> lines() {
    return new ArrayList<>(lines);
  }

  @Override
  public void close() {
    Configuration config = context.getConfiguration();
    for (LoggerConfig lc : config.getLoggers().values()) {
      lc.removeAppender(appender.getName());
    }
    config.getRootLogger().removeAppender(appender.getName());
    for (String name : addedLoggers) {
      config.removeLogger(name);
    }
    previousLevels.forEach(
        (name, level) ->
            (name.isEmpty() ? config.getRootLogger() : config.getLoggerConfig(name))
                .setLevel(level));
    context.updateLoggers();
    appender.stop();
  }
}
