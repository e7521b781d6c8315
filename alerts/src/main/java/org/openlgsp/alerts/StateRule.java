package org.openlgsp.alerts;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A rule over the state the node exposes ({@link NodeSignals}), asked at each poll. */
sealed interface StateRule {
  String TRUST_SERVICES = "trustServiceFailures";

  List<Raised> poll(NodeSignals signals, Instant now);

  static List<StateRule> of(AlertRules r) {
    List<StateRule> rules = new ArrayList<>();
    if (r.certificateExpiry().enabled()) {
      rules.add(new CertificateExpiry(r.certificateExpiry()));
    }
    if (r.directoryExpiry().enabled()) {
      rules.add(new DirectoryExpiry(r.directoryExpiry()));
    }
    if (r.checkpointWitnessing().enabled()) {
      rules.add(new CheckpointWitnessing(r.checkpointWitnessing()));
    }
    if (r.trustServiceFailures().enabled()) {
      rules.add(new TrustServiceFailures(r.trustServiceFailures()));
    }
    if (r.breachNotification().enabled()) {
      rules.add(new BreachNotification(r.breachNotification()));
    }
    if (r.procedureAtRisk().enabled()) {
      rules.add(new ProcedureSla(ProcedureSla.AT_RISK, r.procedureAtRisk().severity(), false));
    }
    if (r.procedureOverdue().enabled()) {
      rules.add(new ProcedureSla(ProcedureSla.OVERDUE, r.procedureOverdue().severity(), true));
    }
    return rules;
  }

  private static String human(Duration d) {
    return d.toDays() >= 2 ? d.toDays() + " days" : d.toMinutes() + " minutes";
  }

  final class CertificateExpiry implements StateRule {
    static final String NAME = "certificateExpiry";
    private final AlertRules.CertificateExpiry cfg;

    CertificateExpiry(AlertRules.CertificateExpiry cfg) {
      this.cfg = cfg;
    }

    @Override
    public List<Raised> poll(NodeSignals signals, Instant now) {
      List<Raised> found = new ArrayList<>();
      for (NodeSignals.CertificateValidity c : signals.certificates().get()) {
        Duration left = Duration.between(now, c.notAfter());
        if (left.compareTo(cfg.warnBefore()) >= 0) {
          continue;
        }
        Severity s = left.compareTo(cfg.criticalBefore()) < 0 ? Severity.CRITICAL : cfg.severity();
        String summary =
            left.isNegative()
                ? "Certificate " + c.name() + " expired at " + c.notAfter()
                : "Certificate "
                    + c.name()
                    + " expires in "
                    + human(left)
                    + " ("
                    + c.notAfter()
                    + ")";
        found.add(
            new Raised(
                NAME,
                s,
                c.name(),
                summary,
                Evidence.state(
                    now,
                    Map.of(
                        "certificate",
                        c.name(),
                        "notAfter",
                        c.notAfter().toString(),
                        "secondsLeft",
                        "" + left.toSeconds()))));
      }
      return found;
    }
  }

  final class DirectoryExpiry implements StateRule {
    static final String NAME = "directoryExpiry";
    private final AlertRules.DirectoryExpiry cfg;

    DirectoryExpiry(AlertRules.DirectoryExpiry cfg) {
      this.cfg = cfg;
    }

    @Override
    public List<Raised> poll(NodeSignals signals, Instant now) {
      Optional<Instant> until = signals.directoryValidUntil().get();
      if (until.isEmpty()) {
        return List.of();
      }
      Duration left = Duration.between(now, until.get());
      if (left.compareTo(cfg.warnBefore()) >= 0) {
        return List.of();
      }
      return List.of(
          new Raised(
              NAME,
              left.isNegative() ? Severity.CRITICAL : cfg.severity(),
              "directory",
              left.isNegative()
                  ? "The directory expired at " + until.get()
                  : "The directory expires in " + human(left) + " (" + until.get() + ")",
              Evidence.state(
                  now,
                  Map.of(
                      "validUntil",
                      until.get().toString(),
                      "secondsLeft",
                      "" + left.toSeconds()))));
    }
  }

  final class CheckpointWitnessing implements StateRule {
    static final String NAME = "checkpointWitnessing";
    private final AlertRules.CheckpointWitnessing cfg;

    CheckpointWitnessing(AlertRules.CheckpointWitnessing cfg) {
      this.cfg = cfg;
    }

    @Override
    public List<Raised> poll(NodeSignals signals, Instant now) {
      Optional<NodeSignals.CheckpointStatus> latest = signals.latestCheckpoint().get();
      if (latest.isEmpty()) {
        return List.of();
      }
      NodeSignals.CheckpointStatus c = latest.get();
      if (Duration.between(c.createdAt(), now).compareTo(cfg.grace()) < 0) {
        return List.of(); // witnesses and the TSA get their time
      }
      List<String> missing = new ArrayList<>();
      int expected = Math.min(cfg.minCosignatures(), c.witnesses());
      if (c.cosignatures() < expected) {
        missing.add("cosigned by " + c.cosignatures() + " of " + expected + " witnesses");
      }
      if (cfg.requireTimestamp() && c.timestampAuthority() && !c.timestamped()) {
        missing.add("not time-stamped");
      }
      if (missing.isEmpty()) {
        return List.of();
      }
      return List.of(
          new Raised(
              NAME,
              cfg.severity(),
              "checkpoint",
              "Checkpoint of size " + c.size() + " is " + String.join(" and ", missing),
              new Evidence(
                  c.createdAt(),
                  now,
                  1,
                  c.size() > 0 ? List.of(c.size() - 1) : List.of(),
                  Map.of(
                      "treeSize",
                      "" + c.size(),
                      "cosignatures",
                      "" + c.cosignatures(),
                      "timestamped",
                      "" + c.timestamped()))));
    }
  }

  /**
   * Open breaches not yet notified to the authority: one alert per breach once its deadline is
   * within {@code warnBefore} (key {@code <id> due}), another, critical, once it has passed ({@code
   * <id> overdue}). A notified or closed breach is no longer among the signals, so it raises
   * nothing.
   */
  final class BreachNotification implements StateRule {
    static final String NAME = "breachNotification";
    private final AlertRules.BreachNotification cfg;

    BreachNotification(AlertRules.BreachNotification cfg) {
      this.cfg = cfg;
    }

    @Override
    public List<Raised> poll(NodeSignals signals, Instant now) {
      List<Raised> found = new ArrayList<>();
      for (NodeSignals.BreachDeadline b : signals.breachDeadlines().get()) {
        Duration left = Duration.between(now, b.deadline());
        if (left.compareTo(cfg.warnBefore()) >= 0) {
          continue;
        }
        boolean overdue = !left.isPositive();
        found.add(
            new Raised(
                NAME,
                overdue ? Severity.CRITICAL : cfg.severity(),
                b.id() + (overdue ? " overdue" : " due"),
                overdue
                    ? "Breach "
                        + b.id()
                        + ": the authority notification was due at "
                        + b.deadline()
                        + " and is not recorded"
                    : "Breach "
                        + b.id()
                        + ": notify the authority within "
                        + human(left)
                        + " (by "
                        + b.deadline()
                        + ")",
                new Evidence(
                    b.detectedAt().isAfter(now) ? now : b.detectedAt(),
                    now,
                    1,
                    List.of(),
                    Map.of(
                        "breach",
                        b.id(),
                        "deadline",
                        b.deadline().toString(),
                        "secondsLeft",
                        "" + left.toSeconds()))));
      }
      return found;
    }
  }

  /**
   * Procedure cases near ({@code procedureAtRisk}) or past ({@code procedureOverdue}) their limit
   * in working days, as the engine's calendar judges them: one alert per case (key: its code). A
   * case that finishes, or is cancelled, is no longer among the signals and raises nothing. No
   * personal data: the code, procedure and due time only.
   */
  final class ProcedureSla implements StateRule {
    static final String AT_RISK = "procedureAtRisk";
    static final String OVERDUE = "procedureOverdue";
    private final String name;
    private final Severity severity;
    private final boolean overdue;

    ProcedureSla(String name, Severity severity, boolean overdue) {
      this.name = name;
      this.severity = severity;
      this.overdue = overdue;
    }

    String name() {
      return name;
    }

    @Override
    public List<Raised> poll(NodeSignals signals, Instant now) {
      List<Raised> found = new ArrayList<>();
      for (NodeSignals.ProcedureDeadline c : signals.procedureDeadlines().get()) {
        if (c.overdue() != overdue) {
          continue;
        }
        found.add(
            new Raised(
                name,
                severity,
                c.code(),
                overdue
                    ? "Case " + c.code() + " (" + c.procedure() + ") was due at " + c.due()
                    : "Case "
                        + c.code()
                        + " ("
                        + c.procedure()
                        + ") is about to miss its limit: due at "
                        + c.due(),
                new Evidence(
                    now,
                    now,
                    1,
                    List.of(),
                    Map.of(
                        "case", c.code(), "procedure", c.procedure(), "due", c.due().toString()))));
      }
      return found;
    }
  }

  /** Growth of the node's TSA and OCSP failure counters within the window. */
  final class TrustServiceFailures implements StateRule {
    private final AlertRules.TrustServiceFailures cfg;
    private final Deque<Sample> samples = new ArrayDeque<>();

    private record Sample(Instant at, NodeSignals.FailureCounts counts) {}

    TrustServiceFailures(AlertRules.TrustServiceFailures cfg) {
      this.cfg = cfg;
    }

    @Override
    public List<Raised> poll(NodeSignals signals, Instant now) {
      NodeSignals.FailureCounts counts = signals.trustServiceFailures().get();
      samples.addLast(new Sample(now, counts));
      // the oldest sample kept is the last one at or before the window's start
      while (samples.size() > 1
          && !samples.stream()
              .skip(1)
              .findFirst()
              .orElseThrow()
              .at()
              .isAfter(now.minus(cfg.window()))) {
        samples.removeFirst();
      }
      Sample base = samples.peekFirst();
      if (base == samples.peekLast()) {
        // the first poll: failures counted before it are older news, but still failures
        base = new Sample(now, new NodeSignals.FailureCounts(0, 0));
      }
      List<Raised> found = new ArrayList<>();
      check(found, "timestamp", counts.timestamp() - base.counts().timestamp(), base.at(), now);
      check(found, "ocsp", counts.ocsp() - base.counts().ocsp(), base.at(), now);
      if (!found.isEmpty()) {
        samples.clear();
        samples.addLast(new Sample(now, counts));
      }
      return found;
    }

    private void check(
        List<Raised> found, String service, long failures, Instant from, Instant now) {
      if (failures < cfg.threshold()) {
        return;
      }
      found.add(
          new Raised(
              TRUST_SERVICES,
              cfg.severity(),
              service,
              failures + " " + service + " requests failed",
              new Evidence(
                  from.isAfter(now) ? now : from,
                  now,
                  failures,
                  List.of(),
                  Map.of("service", service, "source", "node counters"))));
    }
  }
}
