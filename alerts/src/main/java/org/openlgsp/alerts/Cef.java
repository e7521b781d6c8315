package org.openlgsp.alerts;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.util.stream.Collectors;

/**
 * An alert as a CEF event inside an RFC 5424 syslog message (docs/alerts.md "Syslog and CEF").
 * Field mapping: device vendor {@code OpenLGSP}, product {@code gateway}, signature ID the rule,
 * name the summary, severity 0 to 10 from {@link Severity}; extensions {@code externalId} (alert
 * id), {@code rt} (raised, epoch ms), {@code start}/{@code end} (evidence range), {@code cnt},
 * {@code cs1} ledger indexes, {@code cs2} dedup key, {@code cs3} the rule's facts.
 */
final class Cef {
  static final String VERSION = "0.1";
  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  private Cef() {}

  /** Escapes a CEF header field: backslash and pipe; newlines become spaces. */
  static String header(String s) {
    return s.replace("\\", "\\\\").replace("|", "\\|").replaceAll("[\r\n]", " ");
  }

  /** Escapes a CEF extension value: backslash, equals sign, newlines. */
  static String value(String s) {
    return s.replace("\\", "\\\\").replace("=", "\\=").replace("\r", "\\r").replace("\n", "\\n");
  }

  static String event(Alert a) {
    Evidence e = a.evidence();
    String facts =
        e.facts().entrySet().stream()
            .map(x -> x.getKey() + ":" + x.getValue())
            .collect(Collectors.joining(";"));
    return "CEF:0|OpenLGSP|gateway|"
        + VERSION
        + "|"
        + header(a.rule())
        + "|"
        + header(a.summary())
        + "|"
        + a.severity().cef()
        + "|externalId="
        + a.id()
        + " rt="
        + a.raisedAt().toEpochMilli()
        + " start="
        + e.from().toEpochMilli()
        + " end="
        + e.to().toEpochMilli()
        + " cnt="
        + e.count()
        + " cs1Label=ledgerIndexes cs1="
        + value(e.ledgerIndexes().stream().map(String::valueOf).collect(Collectors.joining(",")))
        + " cs2Label=key cs2="
        + value(a.key())
        + " cs3Label=evidence cs3="
        + value(facts);
  }

  /**
   * {@code <PRI>1 TIMESTAMP HOSTNAME APP-NAME - MSGID - BOM CEF...}: PRI from the facility and the
   * alert's severity, MSGID the rule, no structured data, the CEF event as UTF-8 MSG.
   */
  static byte[] syslog(Alert a, int facility, String hostname, String appName) {
    int pri = facility * 8 + a.severity().syslog();
    String head =
        "<"
            + pri
            + ">1 "
            + DateTimeFormatter.ISO_INSTANT.format(a.raisedAt())
            + " "
            + token(hostname, 255)
            + " "
            + token(appName, 48)
            + " - "
            + token(a.rule(), 32)
            + " - ";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(head.getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(BOM);
    out.writeBytes(event(a).getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  /** A header field: printable US-ASCII without spaces, at most {@code max}, "-" if empty. */
  private static String token(String s, int max) {
    String t = s.replaceAll("[^!-~]", "");
    if (t.isEmpty()) {
      return "-";
    }
    return t.length() > max ? t.substring(0, max) : t;
  }
}
