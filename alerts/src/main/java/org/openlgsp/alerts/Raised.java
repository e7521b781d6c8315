package org.openlgsp.alerts;

import java.util.Objects;

/**
 * What a rule found, before deduplication: raised again with the same rule and key within the
 * suppression window, it only counts as another occurrence of the open alert.
 *
 * @param key what the finding is about within the rule (a client, a certificate), never a personal
 *     ID
 */
record Raised(String rule, Severity severity, String key, String summary, Evidence evidence) {
  Raised {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(summary, "summary");
    Objects.requireNonNull(evidence, "evidence");
  }
}
