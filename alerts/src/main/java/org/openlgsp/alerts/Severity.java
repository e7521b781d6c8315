package org.openlgsp.alerts;

/** How urgent an alert is; syslog and CEF severities follow from it (docs/alerts.md). */
public enum Severity {
  LOW(5, 3),
  MEDIUM(4, 5),
  HIGH(3, 8),
  CRITICAL(2, 10);

  private final int syslog;
  private final int cef;

  Severity(int syslog, int cef) {
    this.syslog = syslog;
    this.cef = cef;
  }

  /** RFC 5424 severity: notice, warning, error, critical. */
  int syslog() {
    return syslog;
  }

  /** CEF severity, 0 to 10. */
  int cef() {
    return cef;
  }
}
