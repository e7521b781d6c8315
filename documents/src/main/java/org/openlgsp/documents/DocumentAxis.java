package org.openlgsp.documents;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.openlgsp.core.AgencyCode;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LeakDetectors;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.PrivacyPolicy;
import org.openlgsp.storage.AtRest;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.Sql;
import org.openlgsp.storage.StorageException;

/**
 * A document axis node: accepts edXML packages from the agencies it serves (and from other axis
 * nodes), stores each durably before answering, routes it to local inboxes, webhooks and remote
 * axis nodes through a persistent outbox, and keeps each document's status history.
 */
public final class DocumentAxis implements AutoCloseable {
  private static final java.util.logging.Logger LOG =
      java.util.logging.Logger.getLogger(DocumentAxis.class.getName());
  private final DocumentStore store;
  private final PackageFiles files;
  private final AxisOptions options;
  private final SignerTrust signers;
  private final Set<AgencyCode> local;
  private final Clock clock;
  private final Outbox outbox;
  private final Map<String, java.util.concurrent.atomic.LongAdder> leakFindings =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.LongAdder attachmentsNotScanned =
      new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder attachmentsUnreadable =
      new java.util.concurrent.atomic.LongAdder();

  /**
   * The finding of a PDF or Office attachment that could not be read safely: it gets the strictest
   * action of its route's detectors, as if it held what they find.
   */
  public static final String UNREADABLE = "unreadable";

  /**
   * The finding of attachments the detectors cannot read at all (images, archives), on a route
   * whose {@link DocumentLeaks.Unscannable} policy alerts or refuses.
   */
  public static final String UNSCANNABLE = "unscannable";

  private volatile java.util.function.Consumer<LeakEvent> leakListener = e -> {};

  /**
   * A package in which leak detectors found something an axis rule alerts or blocks on: {@code
   * packageId} is empty when it was refused; {@code findings} are {@code detector:action} labels,
   * never the matched text.
   */
  public record LeakEvent(
      java.time.Instant at,
      String sender,
      List<String> recipients,
      Optional<String> packageId,
      List<String> findings) {
    public LeakEvent {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(sender, "sender");
      recipients = List.copyOf(recipients);
      Objects.requireNonNull(packageId, "packageId");
      findings = List.copyOf(findings);
    }

    /** {@code sender -> recipient, recipient}. */
    public String route() {
      return sender + " -> " + String.join(", ", recipients);
    }
  }

  /** Tells {@code listener} (the node's alerts) of each leak finding, on the accepting thread. */
  public void onLeakFindings(java.util.function.Consumer<LeakEvent> listener) {
    this.leakListener = Objects.requireNonNull(listener, "listener");
  }

  private void refused(String sender, List<String> recipients, List<String> findings) {
    tell(new LeakEvent(clock.instant(), sender, recipients, Optional.empty(), findings));
  }

  private void tell(LeakEvent e) {
    try {
      leakListener.accept(e);
    } catch (RuntimeException ex) {
      LOG.warning("leak finding not passed on: " + ex.getClass().getSimpleName());
    }
  }

  /**
   * @param signers whom signatures must come from: a signature that merely verifies is not enough
   */
  public DocumentAxis(
      Database db,
      AxisOptions options,
      SignerTrust signers,
      Set<AgencyCode> localAgencies,
      RemoteDelivery remote,
      Clock clock) {
    this(db, options, signers, localAgencies, remote, clock, Optional.empty());
  }

  /**
   * @param atRest when present, package files are kept encrypted with its data keys
   *     (docs/privacy.md, "Encryption at rest")
   */
  public DocumentAxis(
      Database db,
      AxisOptions options,
      SignerTrust signers,
      Set<AgencyCode> localAgencies,
      RemoteDelivery remote,
      Clock clock,
      Optional<AtRest> atRest) {
    this.options = Objects.requireNonNull(options, "options");
    this.files = new PackageFiles(options.dataDir(), atRest);
    this.store = new DocumentStore(db, options.writeBatch(), files::syncFolder, atRest);
    this.signers = Objects.requireNonNull(signers, "signers");
    this.local = Set.copyOf(localAgencies);
    this.clock = Objects.requireNonNull(clock, "clock");
    this.outbox = new Outbox(store, files, options, remote, clock);
  }

  /** Starts delivering the outbox (pending work left by a previous run included). */
  public DocumentAxis start() {
    files.clearTemporary(); // not before: a re-encryption pass beside a running axis opens one too
    outbox.start();
    return this;
  }

  public Set<AgencyCode> localAgencies() {
    return local;
  }

  public AxisOptions options() {
    return options;
  }

  /** The axis's database, where its HTTP listener keeps its audit rows too. */
  Database database() {
    return store.db();
  }

  /** A package sent by a local agency's system, authenticated as {@code caller}. */
  public Receipt submit(AgencyCode caller, InputStream body) {
    requireLocal(caller);
    return accept(caller, body, false);
  }

  /** A package relayed by the axis node of {@code sender} (authenticated by the exchange). */
  public Receipt relay(AgencyCode sender, InputStream body) {
    return accept(sender, body, true);
  }

  private Receipt accept(AgencyCode from, InputStream body, boolean relayed) {
    try (PackageFiles.Spooled spooled = files.spool(body, options.maxPackageBytes())) {
      EdxmlPackage pkg;
      SignatureCheck signature;
      if (spooled.size() > options.streamingThresholdBytes()) {
        // Large package: skeleton DOM without attachment contents, streamed digest.
        org.w3c.dom.Document skeleton = StreamingPackages.skeleton(spooled.body());
        pkg = EdxmlCodec.bind(skeleton);
        signature = XmlSignatures.verifyStreaming(skeleton, spooled.body());
      } else {
        EdxmlCodec.Parsed parsed;
        try (InputStream in = spooled.body().open()) {
          parsed = EdxmlCodec.parse(in);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        pkg = parsed.pkg();
        signature = XmlSignatures.verify(parsed.dom());
      }
      boolean mustSign = options.signatureRequired() && pkg instanceof DocumentPackage;
      signature = signers.check(signature, pkg.fromOrganId());
      List<ValidationWarning> warnings = Validation.require(pkg, signature, mustSign);
      String sender = pkg.fromOrganId().trim();
      if (!sender.equals(from.value()) && !(relayed && speaksFor(from, sender))) {
        throw new LgspException(
            ErrorCode.ACCESS_DENIED,
            "package From/OrganId is not the agency " + from + " that sent it");
      }
      LeakScan.Findings found = null;
      List<String> leaks = List.of();
      List<String> addressed = addressees(pkg);
      if (!addressed.isEmpty() && options.leaks().enabled()) {
        List<String> routed =
            addressed.stream()
                .filter(r -> !relayed || local.stream().anyMatch(a -> a.value().equals(r)))
                .toList();
        found = scanForLeaks(pkg, spooled.body(), sender, routed);
        java.util.stream.Stream.Builder<String> more = java.util.stream.Stream.builder();
        if (!found.unreadable().isEmpty()) {
          more.add(UNREADABLE + ":alert");
        }
        if (found.attachmentsSkipped() > 0
            && unscannableOn(sender, routed) == DocumentLeaks.Unscannable.ALERT) {
          more.add(UNSCANNABLE + ":alert");
        }
        leaks =
            java.util.stream.Stream.concat(
                    found.found().stream().sorted().map(k -> k.label() + ":alert"), more.build())
                .toList();
      }
      Receipt r = store(pkg, spooled, relayed, leaks, found);
      if (!r.duplicate()) {
        if (found != null) {
          attachmentsNotScanned.add(found.attachmentsSkipped());
          leaks.forEach(l -> count(l));
          if (!leaks.isEmpty()) {
            // detectors only: the matched text is personal data or a secret
            LOG.warning(
                "package "
                    + r.packageId()
                    + " from "
                    + sender
                    + " passed with leak findings "
                    + leaks);
            tell(
                new LeakEvent(
                    clock.instant(), sender, addressed, Optional.of(r.packageId()), leaks));
          }
        }
        outbox.wake();
        if (!warnings.isEmpty()) {
          // kinds and element names only: values may carry names of people or documents
          LOG.info(
              "package "
                  + r.packageId()
                  + " from "
                  + sender
                  + " accepted with tolerated deviations: "
                  + warnings.stream()
                      .map(w -> w.kind() + " at " + w.element())
                      .collect(Collectors.joining(", ")));
        }
        return r.withFindings(warnings, leaks);
      }
      return r;
    }
  }

  /**
   * The agencies a package is addressed to, whose routes' leak rules apply: a document's
   * recipients, a status's original sender; none for other packages.
   */
  private static List<String> addressees(EdxmlPackage pkg) {
    return switch (pkg) {
      case DocumentPackage d -> trimmed(d.recipientIds()).stream().distinct().toList();
      case StatusPackage s ->
          s.originalSenderId().isBlank() ? List.of() : List.of(s.originalSenderId().trim());
      default -> List.of();
    };
  }

  /** The strictest unscannable policy of the routes {@code sender} → each of {@code recipients}. */
  private DocumentLeaks.Unscannable unscannableOn(String sender, List<String> recipients) {
    DocumentLeaks.Unscannable out = DocumentLeaks.Unscannable.PASS;
    for (String recipient : recipients) {
      DocumentLeaks.Unscannable u = options.leaks().unscannable(sender, recipient);
      if (u.compareTo(out) > 0) {
        out = u;
      }
    }
    return out;
  }

  /**
   * Runs the detectors of the package's routes ({@code sender} → each of {@code recipients}) over a
   * document or status package; a finding one route blocks refuses the whole package (an official
   * document goes to all its recipients or to none), and so do attachments that cannot be scanned
   * on a route whose policy refuses them.
   */
  private LeakScan.Findings scanForLeaks(
      EdxmlPackage pkg, PackageBody file, String sender, List<String> recipients) {
    Map<LeakDetectors.Kind, String> blockedOn = new java.util.EnumMap<>(LeakDetectors.Kind.class);
    Set<LeakDetectors.Kind> kinds = java.util.EnumSet.noneOf(LeakDetectors.Kind.class);
    String anyBlock = null;
    for (String recipient : recipients) {
      Map<LeakDetectors.Kind, PrivacyPolicy.LeakAction> actions =
          options.leaks().actions(sender, recipient);
      actions.forEach(
          (kind, action) -> {
            kinds.add(kind);
            if (action == PrivacyPolicy.LeakAction.BLOCK) {
              blockedOn.putIfAbsent(kind, sender + " -> " + recipient);
            }
          });
      if (anyBlock == null && actions.containsValue(PrivacyPolicy.LeakAction.BLOCK)) {
        anyBlock = sender + " -> " + recipient;
      }
    }
    if (kinds.isEmpty()) {
      return new LeakScan.Findings(Set.of(), 0, 0);
    }
    LeakScan.Findings found =
        switch (pkg) {
          case DocumentPackage d -> LeakScan.scan(d, file, kinds, options.leaks().attachmentText());
          case StatusPackage st -> LeakScan.scan(st, kinds);
          default -> new LeakScan.Findings(Set.of(), 0, 0);
        };
    attachmentsUnreadable.add(found.unreadable().size());
    if (!found.unreadable().isEmpty() && anyBlock != null) {
      count(UNREADABLE + ":block");
      LOG.warning("package from " + sender + " refused: unreadable " + found.unreadable());
      refused(sender, recipients, List.of(UNREADABLE + ":block"));
      throw new LgspException(
          ErrorCode.DOCUMENT_LEAK_BLOCKED,
          "the package's "
              + String.join(", ", found.unreadable())
              + " could not be read safely for the leak detectors, and the document route "
              + anyBlock
              + " blocks what they find");
    }
    if (found.attachmentsSkipped() > 0
        && unscannableOn(sender, recipients) == DocumentLeaks.Unscannable.REFUSE) {
      count(UNSCANNABLE + ":block");
      LOG.warning("package from " + sender + " refused: attachments that cannot be scanned");
      refused(sender, recipients, List.of(UNSCANNABLE + ":block"));
      throw new LgspException(
          ErrorCode.DOCUMENT_LEAK_BLOCKED,
          "the package has "
              + found.attachmentsSkipped()
              + " attachment(s) the leak detectors cannot read (images, archives), and a document"
              + " route "
              + sender
              + " -> "
              + String.join(", ", recipients)
              + " refuses what cannot be scanned");
    }
    List<LeakDetectors.Kind> blocked =
        found.found().stream().filter(blockedOn::containsKey).sorted().toList();
    if (!blocked.isEmpty()) {
      blocked.forEach(k -> count(k.label() + ":block"));
      String labels =
          blocked.stream().map(LeakDetectors.Kind::label).collect(Collectors.joining(", "));
      LOG.warning("package from " + sender + " refused: leak detectors " + labels);
      refused(sender, recipients, blocked.stream().map(k -> k.label() + ":block").toList());
      throw new LgspException(
          ErrorCode.DOCUMENT_LEAK_BLOCKED,
          "the package holds what the detector "
              + labels
              + " finds, which the document route "
              + blockedOn.get(blocked.get(0))
              + " blocks");
    }
    return found;
  }

  private void count(String finding) {
    leakFindings
        .computeIfAbsent(finding, f -> new java.util.concurrent.atomic.LongAdder())
        .increment();
  }

  /** Leak findings since start by {@code detector:action} (alert: passed, block: refused). */
  public Map<String, Long> leakFindings() {
    Map<String, Long> out = new java.util.TreeMap<>();
    leakFindings.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  /**
   * PDF and Office attachments of scanned packages that could not be read safely (damaged,
   * encrypted, beyond the bounds), since start.
   */
  public long attachmentsUnreadable() {
    return attachmentsUnreadable.sum();
  }

  /** Attachments of scanned packages that cannot be scanned (images, archives), since start. */
  public long attachmentsNotScanned() {
    return attachmentsNotScanned.sum();
  }

  private Receipt store(
      EdxmlPackage pkg,
      PackageFiles.Spooled spooled,
      boolean relayed,
      List<String> leaks,
      LeakScan.Findings found) {
    long now = clock.millis();
    // The file's contents were fsync'd while spooling (concurrent packages' fsyncs overlap); its
    // name in the folder is made durable by the writer, once per batch, before the transaction.
    String id = UUID.randomUUID().toString();
    Path path = files.keep(spooled, id);
    boolean kept = false;
    try {
      // Group commit: the receipt waits for the transaction its package shares with others.
      Receipt r =
          store.durably(
              h -> {
                Receipt stored = storeIn(h, pkg, spooled, id, path, relayed, now);
                if (!stored.duplicate() && found != null) {
                  store.recordLeaks(h, id, leaks, found.attachmentsSkipped());
                }
                return stored;
              });
      kept = !r.duplicate();
      return r;
    } catch (StorageException e) {
      // Another writer on the same database (a second axis process on PostgreSQL) stored a twin
      // first and won the unique dedupe key: answer as for any duplicate.
      Optional<DocumentStore.PackageRow> twin =
          Sql.read(store.db(), h -> store.packageByKey(h, dedupeKey(pkg)));
      if (twin.isPresent()) {
        return Sql.read(store.db(), h -> duplicate(h, twin.get(), spooled.sha256()));
      }
      throw e;
    } finally {
      if (!kept) {
        files.discard(path);
      }
    }
  }

  private Receipt storeIn(
      Handle h,
      EdxmlPackage pkg,
      PackageFiles.Spooled spooled,
      String id,
      Path path,
      boolean relayed,
      long now) {
    String key = dedupeKey(pkg);
    Optional<DocumentStore.PackageRow> existing = store.packageByKey(h, key);
    if (existing.isPresent()) {
      return duplicate(h, existing.get(), spooled.sha256());
    }
    List<String> recipients;
    String kind;
    String documentId;
    String business;
    String target;
    String subject;
    String statusCode = null;
    StatusPackage statusOf = null;
    switch (pkg) {
      case DocumentPackage d -> {
        kind = "document";
        documentId = d.documentId().trim();
        business = d.businessType().name();
        target = d.targetDocumentId().trim();
        subject = d.subject();
        recipients = new ArrayList<>(new LinkedHashSet<>(trimmed(d.recipientIds())));
        if (d.businessType() != BusinessType.NEW
            && store.documentPackage(h, target, d.fromOrganId().trim()).isEmpty()) {
          throw new InvalidPackageException(
              List.of(
                  "Bussiness/DocumentId: no document "
                      + Validation.printable(target)
                      + " from this sender is known here"));
        }
      }
      case StatusPackage s -> {
        kind = "status";
        documentId = s.documentId().trim();
        business = "STATUS";
        target = documentId;
        statusCode = s.statusCode().trim();
        subject = StatusCode.fromCode(statusCode).map(StatusCode::meaning).orElse("");
        String original = s.originalSenderId().trim();
        DocumentStore.PackageRow doc =
            store
                .documentPackage(h, documentId, original)
                .orElseThrow(
                    () ->
                        new LgspException(
                            ErrorCode.RESOURCE_NOT_FOUND,
                            "status for a document this axis does not know"));
        String reporter = s.fromOrganId().trim();
        if (reporter.equals(original)) {
          recipients = store.deliveries(h, doc.id()).stream().map(d -> d.recipient()).toList();
        } else {
          recipients = List.of(original);
        }
        statusOf = s;
      }
    }
    List<String> routed = new ArrayList<>();
    for (String r : recipients) {
      boolean isLocal = local.stream().anyMatch(a -> a.value().equals(r));
      if (isLocal || !relayed) {
        routed.add(r);
      }
    }
    if (relayed && routed.isEmpty()) {
      throw new LgspException(
          ErrorCode.ACCESS_DENIED, "none of the package's recipients is served by this axis");
    }
    store.insertPackage(
        h,
        new DocumentStore.PackageRow(
            id,
            key,
            kind,
            documentId,
            business,
            target,
            pkg.fromOrganId().trim(),
            subject.length() > 1000 ? subject.substring(0, 1000) : subject,
            statusCode,
            spooled.sha256(),
            spooled.size(),
            path.toString(),
            now));
    if (statusOf != null) {
      store.insertStatus(
          h,
          id,
          documentId,
          statusOf.originalSenderId().trim(),
          statusOf.fromOrganId().trim(),
          statusCode,
          Objects.toString(statusOf.header().description, ""),
          Objects.toString(statusOf.header().timestamp, ""),
          now);
    }
    for (String r : routed) {
      String deliveryId = UUID.randomUUID().toString();
      boolean isLocal = local.stream().anyMatch(a -> a.value().equals(r));
      store.insertDelivery(
          h,
          deliveryId,
          id,
          r,
          isLocal ? "local" : "remote",
          isLocal ? "inbox" : "forwarding",
          now);
      if (isLocal) {
        Optional<String> hook = store.webhook(h, r);
        if (hook.isPresent()) {
          store.insertOutbox(h, Outbox.nextId(now), deliveryId, "push", hook.get(), now);
        }
      } else {
        store.insertOutbox(h, Outbox.nextId(now), deliveryId, "forward", r, now);
      }
    }
    return new Receipt(id, kind, documentId, business, spooled.sha256(), now, routed, false);
  }

  private Receipt duplicate(Handle h, DocumentStore.PackageRow row, String sha256) {
    if (!row.sha256().equals(sha256)) {
      throw new LgspException(
          ErrorCode.RESOURCE_CONFLICT,
          "a different package with document id "
              + Validation.printable(row.documentId())
              + " was already accepted");
    }
    List<String> recipients =
        store.deliveries(h, row.id()).stream().map(d -> d.recipient()).toList();
    return new Receipt(
        row.id(),
        row.kind(),
        row.documentId(),
        row.businessType(),
        row.sha256(),
        row.receivedAt(),
        recipients,
        true,
        List.of(),
        store.leakFindings(h, row.id()));
  }

  /** A level-1 body's axis relays for the units under it (same group letter and number). */
  static boolean speaksFor(AgencyCode member, String unit) {
    return member.isTopLevel()
        && AgencyCode.isValid(unit)
        && unit.substring(10).equals(member.value().substring(10));
  }

  private static String dedupeKey(EdxmlPackage pkg) {
    return switch (pkg) {
      case DocumentPackage d ->
          String.join(
              "|",
              "document",
              d.fromOrganId().trim(),
              d.documentId().trim(),
              d.businessType().name());
      case StatusPackage s ->
          String.join(
              "|",
              "status",
              s.fromOrganId().trim(),
              s.originalSenderId().trim(),
              s.documentId().trim(),
              s.statusCode().trim(),
              Objects.toString(s.header().timestamp, "").trim());
    };
  }

  private static List<String> trimmed(List<String> ids) {
    return ids.stream().map(String::trim).toList();
  }

  /** The agency's waiting packages, oldest first. */
  public List<InboxItem> inbox(AgencyCode agency, int limit) {
    requireLocal(agency);
    return store.inbox(agency.value(), Math.max(1, Math.min(limit, 1000)));
  }

  /** The packages the agency sent, newest first, with their recipients' delivery states. */
  public List<SentItem> sent(AgencyCode agency, int limit) {
    requireLocal(agency);
    return store.sent(agency.value(), Math.max(1, Math.min(limit, 1000)));
  }

  /** The package file of one of the agency's deliveries. */
  public PackageBody fetch(AgencyCode agency, String deliveryId) {
    requireLocal(agency);
    return store
        .deliveredPath(agency.value(), deliveryId)
        .map(p -> files.body(Path.of(p)))
        .orElseThrow(() -> new LgspException(ErrorCode.RESOURCE_NOT_FOUND, "no such delivery"));
  }

  /**
   * Encrypts under the current data key what the axis keeps and is not yet (stored before
   * encryption was switched on, or under a data key since rotated): package files, then subjects.
   * Runs beside traffic; each rewritten item is reported to {@code progress}. Returns the count.
   */
  public int reencryptAtRest(java.util.function.Consumer<String> progress) {
    int files = this.files.reencrypt(p -> progress.accept("package file " + p.getFileName()));
    int subjects = store.reencryptSubjects();
    if (subjects > 0) {
      progress.accept(subjects + " package subjects");
    }
    return files + subjects;
  }

  /** Removes a delivery from the inbox; repeating it is harmless. */
  public void acknowledge(AgencyCode agency, String deliveryId) {
    requireLocal(agency);
    if (!store.acknowledge(agency.value(), deliveryId, clock.millis())) {
      throw new LgspException(ErrorCode.RESOURCE_NOT_FOUND, "no such delivery in the inbox");
    }
  }

  /** Registers (or with empty, removes) the URL packages for {@code agency} are pushed to. */
  public void webhook(AgencyCode agency, Optional<String> url) {
    requireLocal(agency);
    url.ifPresent(
        u -> {
          if (!u.startsWith("http://") && !u.startsWith("https://")) {
            throw new LgspException(ErrorCode.REQUEST_MALFORMED, "webhook URL must be http(s)");
          }
        });
    store.setWebhook(agency.value(), url);
  }

  /** The document's recipients, statuses and business actions, for its sender or a recipient. */
  public DocumentHistory history(AgencyCode caller, String documentId, AgencyCode sender) {
    requireLocal(caller);
    return Sql.read(
        store.db(),
        h -> {
          DocumentStore.PackageRow doc =
              store
                  .documentPackage(h, documentId, sender.value())
                  .orElseThrow(
                      () -> new LgspException(ErrorCode.RESOURCE_NOT_FOUND, "unknown document"));
          List<DocumentStore.DeliveryRow> deliveries = store.deliveries(h, doc.id());
          boolean allowed =
              caller.equals(sender)
                  || deliveries.stream().anyMatch(d -> d.recipient().equals(caller.value()));
          if (!allowed) {
            throw new LgspException(
                ErrorCode.ACCESS_DENIED, "only the sender and recipients see a document's history");
          }
          List<StatusEntry> statuses = store.statuses(h, documentId, sender.value());
          Map<String, DocumentHistory.RecipientState> recipients = new LinkedHashMap<>();
          Map<String, String> latest =
              statuses.stream()
                  .collect(
                      Collectors.toMap(
                          StatusEntry::reporter, StatusEntry::statusCode, (a, b) -> b));
          for (DocumentStore.DeliveryRow d : deliveries) {
            recipients.put(
                d.recipient(),
                new DocumentHistory.RecipientState(
                    d.state(), latest.getOrDefault(d.recipient(), "")));
          }
          return new DocumentHistory(
              documentId,
              sender.value(),
              doc.subject(),
              recipients,
              statuses,
              store.actions(h, documentId, sender.value()));
        });
  }

  /** How many transactions the store's writer has committed (group commit: fewer than writes). */
  public long commits() {
    return store.commits();
  }

  /**
   * Outbox delivery attempts that failed since start, each retried with backoff until {@code
   * maxAttempts}; and of those, deliveries given up (now {@code dead}).
   */
  public record DeliveryFailures(long failedAttempts, long givenUp) {}

  public DeliveryFailures deliveryFailures() {
    return new DeliveryFailures(outbox.failedAttempts(), outbox.givenUp());
  }

  /** Outbox entries by state ({@code pending}, {@code done}, {@code dead}). */
  public Map<String, Integer> outboxCounts() {
    return store.outboxCounts();
  }

  private void requireLocal(AgencyCode agency) {
    if (!local.contains(agency)) {
      throw new LgspException(
          ErrorCode.ACCESS_DENIED, "agency " + agency + " is not served by this axis");
    }
  }

  @Override
  public void close() {
    outbox.close();
    store.close();
  }
}
