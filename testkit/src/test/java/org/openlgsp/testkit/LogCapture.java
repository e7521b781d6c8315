package org.openlgsp.testkit;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Every log record of the JVM while open (OpenLGSP's loggers at FINEST, so what an operator could
 * turn on is looked at too), each as its logger name, formatted message and any exception: what a
 * node's logs would show.
 */
final class LogCapture extends Handler implements AutoCloseable {
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Logger ours = Logger.getLogger("org.openlgsp");
  private final Level was;

  private LogCapture() {
    setLevel(Level.ALL);
    was = ours.getLevel();
    ours.setLevel(Level.FINEST);
    Logger.getLogger("").addHandler(this);
  }

  static LogCapture everything() {
    return new LogCapture();
  }

  List<String> lines() {
    return List.copyOf(lines);
  }

  @Override
  public void publish(LogRecord r) {
    lines.add(
        r.getLoggerName()
            + " "
            + new SimpleFormatter().formatMessage(r)
            + (r.getThrown() == null ? "" : " " + r.getThrown()));
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    Logger.getLogger("").removeHandler(this);
    ours.setLevel(was);
  }
}
