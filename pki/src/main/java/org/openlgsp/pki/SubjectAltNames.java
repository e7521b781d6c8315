package org.openlgsp.pki;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x509.GeneralName;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;

/**
 * The DNS names and IP addresses a certificate may carry in its subject alternative name, checked
 * before anything is signed. A dNSName must be in the preferred name syntax (RFC 5280 §4.2.1.6: RFC
 * 1034 §3.5 as relaxed by RFC 1123 §2.1): letters, digits and inner hyphens, labels of 1 to 63
 * characters, at most 253 in all, an alphabetic top-level label — so {@code 10.0.0.1} is no DNS
 * name and is never turned into an iPAddress. No profile certifies wildcards.
 */
final class SubjectAltNames {
  private static final Pattern LABEL =
      Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
  private static final Pattern IPV4 =
      Pattern.compile(
          "(?:(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  private SubjectAltNames() {}

  /** Whether {@code name} is an IPv4 dotted quad or an IPv6 literal (certified as iPAddress). */
  static boolean isIpLiteral(String name) {
    if (IPV4.matcher(name).matches()) {
      return true;
    }
    if (!IPV6.matcher(name).matches()) {
      return false;
    }
    try {
      InetAddress.getByName(name); // a literal: no lookup
      return true;
    } catch (UnknownHostException | SecurityException e) {
      return false;
    }
  }

  /**
   * Refuses a dNSName outside the preferred name syntax, a wildcard, or one that looks like an IP.
   */
  static void requireDnsName(String name) {
    if (name.startsWith("*.") || name.equals("*") || name.contains("*")) {
      throw refused(
          "the wildcard name '"
              + printable(name)
              + "' is not certified by any profile; ask for each host name");
    }
    if (name.isEmpty() || name.length() > 253 || name.endsWith(".")) {
      throw refused(
          "the DNS name '"
              + printable(name)
              + "' is empty, longer than 253 characters or ends with a dot (RFC 5280 §4.2.1.6)");
    }
    String[] labels = name.split("\\.", -1);
    for (String label : labels) {
      if (!LABEL.matcher(label).matches()) {
        throw refused(
            "the DNS name '"
                + printable(name)
                + "' is not in the preferred name syntax (RFC 5280 §4.2.1.6: letters, digits and"
                + " inner hyphens, labels of 1 to 63 characters; internationalised names as"
                + " xn-- A-labels)");
      }
    }
    if (labels[labels.length - 1].chars().allMatch(Character::isDigit)) {
      throw refused(
          "the DNS name '"
              + printable(name)
              + "' looks like an IP address (numeric top-level label, RFC 1123 §2.1); ask for an"
              + " IP address as an iPAddress name, never as a DNS name");
    }
  }

  /** Checks each name: an IP literal, or a valid non-wildcard DNS name. */
  static void requireValid(List<String> names) {
    for (String n : names) {
      if (!isIpLiteral(n)) {
        requireDnsName(n);
      }
    }
  }

  /** The GeneralNames, in order: IP literals as iPAddress, everything else as (checked) dNSName. */
  static GeneralName[] generalNames(List<String> names) {
    requireValid(names);
    return names.stream()
        .map(
            n ->
                isIpLiteral(n)
                    ? new GeneralName(GeneralName.iPAddress, n)
                    : new GeneralName(GeneralName.dNSName, n.toLowerCase(Locale.ROOT)))
        .toArray(GeneralName[]::new);
  }

  static DERSequence sequence(List<String> names) {
    return new DERSequence((ASN1Encodable[]) generalNames(names));
  }

  private static String printable(String name) {
    String shown = name.length() > 80 ? name.substring(0, 80) + "…" : name;
    return shown.replaceAll("[^\\x20-\\x7e]", "?");
  }

  private static LgspException refused(String detail) {
    return new LgspException(ErrorCode.CSR_MALFORMED, detail);
  }
}
