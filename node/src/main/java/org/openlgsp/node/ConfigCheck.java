package org.openlgsp.node;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openlgsp.documents.AxisOptions;
import org.openlgsp.gateway.GatewayOptions;
import org.openlgsp.ledger.CheckpointPolicy;
import org.openlgsp.ledger.LedgerSource;
import org.openlgsp.ledger.NoteVerifier;
import org.openlgsp.monitoring.MonitoringOptions;
import org.openlgsp.pki.Credentials;
import org.openlgsp.procedures.ProceduresOptions;
import org.openlgsp.statistics.StatisticsOptions;

/**
 * {@code lgsp serve --check}: a configuration is read as {@code serve} reads it, the files it names
 * are read and the keys loaded (a key must belong to its certificate), and the configuration is
 * given back with every default filled in and every secret hash redacted. Nothing is written: the
 * ledger's key files that a first start generates are not made here.
 */
public final class ConfigCheck {
  /** Hashes of bearer tokens and client secrets; the PIN sources are names and stay. */
  private static final Set<String> SECRETS =
      Set.of(
          "adminTokenSha256",
          "auditorTokenSha256",
          "trackerTokenSha256",
          "secretSha256",
          "tokenSha256",
          "apiTokenSha256",
          // gateway.alerts: the webhooks' HMAC keys, the SMTP password, the API's token hashes
          "secret",
          "password",
          "readerTokenSha256",
          "operatorTokenSha256");

  private static final String REDACTED = "(redacted)";

  private ConfigCheck() {}

  /**
   * @return the effective configuration as YAML, secrets redacted
   * @throws NodeConfig.ConfigException naming the first problem
   */
  public static String effectiveConfiguration(Path file) {
    NodeConfig config = NodeConfig.read(file);
    Path base = file.toAbsolutePath().getParent();
    config.registry().ifPresent(r -> checkRegistry(r, base));
    config.gateway().ifPresent(g -> checkGateway(g, base));
    config.documents().ifPresent(d -> checkDocuments(d, base));
    config
        .procedures()
        .ifPresent(
            p -> {
              requireExists(
                  "procedures.gateway.secretFile", base.resolve(p.gateway().secretFile()));
              p.options(base); // reads the notices' password and token files, the directory trust
              p.alerts().ifPresent(a -> checkAlerts("procedures.alerts", a, base));
            });
    try {
      return NodeConfig.YAML.writeValueAsString(redacted(effective(config, base)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("configuration not writable", e);
    }
  }

  private static void checkRegistry(NodeConfig.RegistryRole r, Path base) {
    Credentials signing =
        GatewayNode.credentials(
            base, r.signing().certificate().orElseThrow(), r.signing().key().orElseThrow());
    try {
      signing.requireMatchingKey();
    } catch (IllegalArgumentException e) {
      throw new NodeConfig.ConfigException("registry.signing: " + e.getMessage());
    }
    r.tracker()
        .ifPresent(
            t -> {
              for (int i = 0; i < t.gateways().size(); i++) {
                requireExists(
                    "registry.tracker.gateways[" + i + "].tokenFile",
                    base.resolve(t.gateways().get(i).tokenFile()));
              }
            });
    r.ca()
        .ifPresent(
            ca -> {
              requireExists("registry.ca.dir", base.resolve(ca.dir()));
              requireExists("registry.ca.passwordFile", base.resolve(ca.passwordFile()));
            });
    r.witness()
        .ifPresent(
            w -> {
              for (int i = 0; i < w.logs().size(); i++) {
                String log = w.logs().get(i);
                Path f = base.resolve(log);
                attempt(
                    "registry.witness.logs[" + i + "]",
                    () -> LedgerSource.parseKey(Files.isRegularFile(f) ? f.toString() : log));
              }
            });
    checkAlerts("registry.alerts", r.alertsOptions(), base);
  }

  private static void checkGateway(NodeConfig.GatewayRole g, Path base) {
    NodeKeys keys = new NodeKeys(base);
    keys.credentials("gateway.tls", g.tls());
    for (int i = 0; i < g.signing().size(); i++) {
      keys.credentials("gateway.signing[" + i + "]", g.signing().get(i).keys());
    }
    certificates("gateway.directoryTrust", base, g.directoryTrust());
    for (int i = 0; i < g.localSystems().size(); i++) {
      certificates(
          "gateway.localSystems[" + i + "].certificates",
          base,
          g.localSystems().get(i).certificates());
    }
    g.revocation().ifPresent(r -> certificates("gateway.revocation.issuers", base, r.issuers()));
    certificates("gateway.ledger.tsaCertificates", base, g.ledger().tsaCertificates());
    checkAlerts("gateway.alerts", g.alertsOptions(), base);
    for (int i = 0; i < g.ledger().witnessFor().size(); i++) {
      String log = g.ledger().witnessFor().get(i);
      attempt("gateway.ledger.witnessFor[" + i + "]", () -> NoteVerifier.parse(log));
    }
  }

  /**
   * The files an alerts section names ({@code gateway.alerts}, {@code registry.alerts} or {@code
   * documents.alerts}).
   */
  private static void checkAlerts(String at, org.openlgsp.alerts.AlertsOptions a, Path base) {
    List<org.openlgsp.alerts.AlertsOptions.Webhook> hooks = a.webhooks();
    for (int i = 0; i < hooks.size(); i++) {
      String key = at + ".webhooks[" + i + "].secretFile";
      hooks.get(i).secretFile().ifPresent(f -> requireExists(key, base.resolve(f)));
      String signing = at + ".webhooks[" + i + "].signingKeyFile";
      hooks.get(i).signingKeyFile().ifPresent(f -> requireExists(signing, base.resolve(f)));
    }
    a.smtp()
        .flatMap(org.openlgsp.alerts.AlertsOptions.Smtp::passwordFile)
        .ifPresent(f -> requireExists(at + ".smtp.passwordFile", base.resolve(f)));
    a.rulesFile()
        .ifPresent(
            f ->
                attempt(
                    at + ".rulesFile", () -> org.openlgsp.alerts.AlertRules.load(base.resolve(f))));
  }

  private static void checkDocuments(DocumentsRole d, Path base) {
    certificates("documents.trustAnchors", base, d.trustAnchors());
    d.revocation().ifPresent(r -> certificates("documents.revocation.issuers", base, r.issuers()));
    d.gateway()
        .ifPresent(
            link -> requireExists("documents.gateway.secretFile", base.resolve(link.secretFile())));
    checkAlerts("documents.alerts", d.alertsOptions(), base);
  }

  private static void certificates(String key, Path base, List<String> files) {
    attempt(key, () -> CheckpointTimestamps.certificates(base, files));
  }

  private static void attempt(String key, Runnable check) {
    try {
      check.run();
    } catch (NodeConfig.ConfigException | IllegalArgumentException e) {
      throw new NodeConfig.ConfigException(key + ": " + e.getMessage());
    }
  }

  private static void requireExists(String key, Path path) {
    if (!Files.exists(path)) {
      throw new NodeConfig.ConfigException(key + ": " + path + " does not exist");
    }
  }

  /** The file's settings with the modules' defaults filled in, in the documented key order. */
  private static JsonNode effective(NodeConfig config, Path base) {
    ObjectNode root = NodeConfig.YAML.valueToTree(config);
    config
        .registry()
        .ifPresent(
            r -> {
              ObjectNode n = (ObjectNode) root.get("registry");
              n.set("directoryValidity", tree(r.options(config.instance()).directoryValidity()));
              n.set("breaches", tree(r.options(config.instance()).breaches()));
              r.tracker()
                  .ifPresent(
                      t -> {
                        ObjectNode tn = (ObjectNode) n.get("tracker");
                        tn.set("deadline", tree(t.effectiveDeadline()));
                        tn.put("subjectKey", t.effectiveSubjectKey());
                        n.set("tracker", ordered(tn, NodeConfig.RegistryTracker.class));
                      });
              root.set("registry", ordered(n, NodeConfig.RegistryRole.class));
            });
    config
        .gateway()
        .ifPresent(
            g -> {
              ObjectNode n = (ObjectNode) root.get("gateway");
              GatewayOptions o = g.options();
              n.put("host", o.host());
              n.put("clientTlsPort", o.clientTlsPort());
              n.put("clientHttpPort", o.clientHttpPort());
              n.put("peerPort", o.peerPort());
              n.set("directoryGrace", tree(o.directoryGrace()));
              n.put("directoryCache", o.directoryCache().toString());
              n.set("replayWindow", tree(o.replayWindow()));
              n.put("maxBodyBytes", o.maxBodyBytes());
              n.set("limits", tree(o.limits()));
              if (!o.rateLimits().tenants().isEmpty()) { // periods and bursts filled in
                n.set("rateLimits", tree(o.rateLimits().tenants()));
              }
              ObjectNode ledger = (ObjectNode) n.get("ledger");
              CheckpointPolicy p = g.ledger().policy();
              ledger.set("checkpointInterval", tree(p.interval()));
              ledger.put("checkpointEvery", p.everyRecords());
              n.set("ledger", ordered(ledger, NodeConfig.LedgerSettings.class));
              n.set("monitoring", monitoring(n.get("monitoring"), g.monitoringOptions()));
              n.set("statistics", statistics(n.get("statistics"), g.statisticsOptions()));
              n.put("observerDatabase", g.observerDatabaseUrl());
              root.set("gateway", ordered(n, NodeConfig.GatewayRole.class));
            });
    config
        .documents()
        .ifPresent(
            d -> {
              ObjectNode n = (ObjectNode) root.get("documents");
              AxisOptions o = d.options(base);
              n.put("maxPackageBytes", o.maxPackageBytes());
              n.put("signatureRequired", o.signatureRequired());
              n.set("retryBase", tree(o.retryBase()));
              n.set("retryMax", tree(o.retryMax()));
              n.put("maxAttempts", o.maxAttempts());
              n.set("leaks", tree(o.leaks().defaults()));
              n.set("leakRoutes", tree(o.leaks().routes()));
              n.set("unscannable", tree(o.leaks().unscannable()));
              n.set("attachmentText", tree(o.leaks().attachmentText()));
              root.set("documents", ordered(n, DocumentsRole.class));
            });
    config
        .procedures()
        .ifPresent(
            p -> {
              ObjectNode n = (ObjectNode) root.get("procedures");
              ProceduresOptions o = p.options("");
              n.put("maxAttempts", o.retries().maxAttempts());
              n.set("retryFirst", tree(o.retries().first()));
              n.set("retryMax", tree(o.retries().max()));
              n.set("stepTimeout", tree(o.stepTimeout()));
              n.set("jobPoll", tree(o.jobPoll()));
              n.put("slaWarningWorkingDays", o.slaWarningWorkingDays());
              p.notices()
                  .ifPresent(
                      given -> {
                        ObjectNode nn = (ObjectNode) n.get("notices");
                        ProceduresOptions.Notify d =
                            given.options(f -> "(not read: shown redacted)");
                        nn.put("maxAttempts", d.delivery().maxAttempts());
                        nn.set("retryFirst", tree(d.delivery().first()));
                        nn.set("retryMax", tree(d.delivery().max()));
                        d.smtp()
                            .ifPresent(
                                s -> {
                                  ObjectNode sn = (ObjectNode) nn.get("smtp");
                                  sn.put("startTls", s.startTls());
                                  sn.set("timeout", tree(s.timeout()));
                                });
                        d.webhook()
                            .ifPresent(
                                w ->
                                    ((ObjectNode) nn.get("webhook"))
                                        .set("timeout", tree(w.timeout())));
                      });
              root.set("procedures", ordered(n, ProceduresRole.class));
            });
    return root;
  }

  private static JsonNode monitoring(JsonNode given, MonitoringOptions m) {
    ObjectNode n = given instanceof ObjectNode o ? o : NodeConfig.YAML.createObjectNode();
    n.put("enabled", m.enabled());
    n.put("queueSize", m.queueSize());
    n.put("batchSize", m.batchSize());
    n.set("retention", tree(m.retention()));
    n.set("purgeInterval", tree(m.purgeInterval()));
    n.set("healthPeriod", tree(m.healthPeriod()));
    n.put("maxPageSize", m.maxPageSize());
    return ordered(n, NodeConfig.MonitoringSettings.class);
  }

  private static JsonNode statistics(JsonNode given, StatisticsOptions s) {
    ObjectNode n = given instanceof ObjectNode o ? o : NodeConfig.YAML.createObjectNode();
    n.put("enabled", s.enabled());
    n.put("queueSize", s.queueSize());
    n.put("batchSize", s.batchSize());
    n.set("flushInterval", tree(s.flushInterval()));
    n.put("zone", s.zone().getId());
    n.set("maxRange", tree(s.maxRange()));
    n.set("retention", tree(s.retention()));
    n.set("purgeInterval", tree(s.purgeInterval()));
    return ordered(n, NodeConfig.StatisticsSettings.class);
  }

  private static JsonNode tree(Object value) {
    return NodeConfig.YAML.valueToTree(value);
  }

  private static ObjectNode ordered(ObjectNode n, Class<? extends Record> type) {
    ObjectNode out = NodeConfig.YAML.createObjectNode();
    for (RecordComponent c : type.getRecordComponents()) {
      if (n.has(c.getName())) {
        out.set(c.getName(), n.get(c.getName()));
      }
    }
    return out;
  }

  private static JsonNode redacted(JsonNode node) {
    if (node instanceof ObjectNode object) {
      for (Map.Entry<String, JsonNode> field : object.properties()) {
        if (SECRETS.contains(field.getKey()) && field.getValue().isTextual()) {
          field.setValue(object.textNode(REDACTED));
        } else {
          redacted(field.getValue());
        }
      }
    } else if (node.isArray()) {
      node.forEach(ConfigCheck::redacted);
    }
    return node;
  }
}
