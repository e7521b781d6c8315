package org.openlgsp.documents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openlgsp.core.AgencyCode;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.TestDatabases;
import org.w3c.dom.Document;

class DocumentAxisTest {
  static final AgencyCode PROVINCE = TestKeys.PROVINCE;
  static final AgencyCode DEPARTMENT = TestKeys.DEPARTMENT;
  static final AgencyCode REMOTE = AgencyCode.parse("000.00.00.G22");

  @TempDir Path dir;
  Database db;
  DocumentAxis axis;
  final ShiftedClock clock = new ShiftedClock();

  /** The real time plus a shift the test moves forward. */
  static final class ShiftedClock extends Clock {
    private final java.util.concurrent.atomic.AtomicLong shiftMillis =
        new java.util.concurrent.atomic.AtomicLong();

    void advance(Duration d) {
      shiftMillis.addAndGet(d.toMillis());
    }

    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public java.time.Instant instant() {
      return java.time.Instant.now().plusMillis(shiftMillis.get());
    }
  }

  @AfterEach
  void close() {
    if (axis != null) {
      axis.close();
    }
    if (db != null) {
      db.close();
    }
  }

  private DocumentAxis open(String kind, RemoteDelivery remote) {
    if (db == null) {
      db = TestDatabases.open(kind, dir);
    }
    AxisOptions o =
        AxisOptions.defaults(dir.resolve("axis"))
            .withRetry(Duration.ofMillis(20), Duration.ofMillis(200), 5);
    return new DocumentAxis(db, o, TestKeys.trust(), Set.of(PROVINCE, DEPARTMENT), remote, clock)
        .start();
  }

  static byte[] signed(EdxmlPackage pkg, SigningKey key) {
    Document dom = EdxmlCodec.toDom(pkg);
    XmlSignatures.sign(dom, key);
    return SecureXml.serialize(dom);
  }

  static ByteArrayInputStream in(byte[] b) {
    return new ByteArrayInputStream(b);
  }

  static StatusPackage status(DocumentPackage doc, AgencyCode from, StatusCode code) {
    return Packages.status(doc, from, code, code.meaning(), "Văn thư", Instant.now());
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void documentIsStoredThenPulledFromTheInboxAndAcknowledged(String kind) throws Exception {
    axis = open(kind, RemoteDelivery.NONE);
    SigningKey key = TestKeys.rsa("UBND");
    DocumentPackage doc = TestKeys.document("201");
    Packages.attach(doc, "qd.pdf", "application/pdf", new byte[] {1, 2, 3, 4});
    byte[] bytes = signed(doc, key);

    Receipt r = axis.submit(PROVINCE, in(bytes));

    assertThat(r.duplicate()).isFalse();
    assertThat(r.recipients()).containsExactly(DEPARTMENT.value());
    List<InboxItem> inbox = axis.inbox(DEPARTMENT, 10);
    assertThat(inbox)
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.documentId()).isEqualTo(doc.documentId());
              assertThat(i.kind()).isEqualTo("document");
              assertThat(i.sender()).isEqualTo(PROVINCE.value());
            });
    assertThat(axis.fetch(DEPARTMENT, inbox.get(0).deliveryId()).readAllBytes()).isEqualTo(bytes);
    assertThatThrownBy(() -> axis.fetch(PROVINCE, inbox.get(0).deliveryId()))
        .isInstanceOfSatisfying(
            LgspException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.RESOURCE_NOT_FOUND));

    axis.acknowledge(DEPARTMENT, inbox.get(0).deliveryId());
    axis.acknowledge(DEPARTMENT, inbox.get(0).deliveryId());
    assertThat(axis.inbox(DEPARTMENT, 10)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void duplicatesAreRecognisedByDocumentId(String kind) throws Exception {
    axis = open(kind, RemoteDelivery.NONE);
    SigningKey key = TestKeys.ec("UBND");
    DocumentPackage doc = TestKeys.document("202");
    byte[] bytes = signed(doc, key);

    Receipt first = axis.submit(PROVINCE, in(bytes));
    Receipt again = axis.submit(PROVINCE, in(bytes));

    assertThat(again.duplicate()).isTrue();
    assertThat(again.packageId()).isEqualTo(first.packageId());
    assertThat(axis.inbox(DEPARTMENT, 10)).hasSize(1);

    doc.header().subject = "khác";
    assertThatThrownBy(() -> axis.submit(PROVINCE, in(signed(doc, key))))
        .isInstanceOfSatisfying(
            LgspException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.RESOURCE_CONFLICT));
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void statusesTravelBackAndBuildTheHistory(String kind) throws Exception {
    axis = open(kind, RemoteDelivery.NONE);
    DocumentPackage doc = TestKeys.document("203");
    axis.submit(PROVINCE, in(signed(doc, TestKeys.rsa("UBND"))));

    for (StatusCode code :
        List.of(
            StatusCode.ARRIVED,
            StatusCode.ACCEPTED,
            StatusCode.ASSIGNED,
            StatusCode.IN_PROGRESS,
            StatusCode.COMPLETED)) {
      axis.submit(DEPARTMENT, in(EdxmlCodec.write(status(doc, DEPARTMENT, code))));
      clock.advance(Duration.ofMillis(2)); // each status arrives at its own time
    }

    DocumentHistory h = axis.history(PROVINCE, doc.documentId(), PROVINCE);
    assertThat(h.statuses())
        .extracting(StatusEntry::statusCode)
        .containsExactly("01", "03", "04", "05", "06");
    assertThat(h.recipients())
        .containsEntry(DEPARTMENT.value(), new DocumentHistory.RecipientState("inbox", "06"));
    assertThat(axis.inbox(PROVINCE, 10))
        .extracting(InboxItem::statusCode)
        .containsExactly("01", "03", "04", "05", "06");
    assertThat(axis.history(DEPARTMENT, doc.documentId(), PROVINCE).statuses()).hasSize(5);
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void recallFollowsTheBusinessTypeAndItsAnswer(String kind) throws Exception {
    axis = open(kind, RemoteDelivery.NONE);
    SigningKey key = TestKeys.rsa("UBND");
    DocumentPackage doc = TestKeys.document("204");
    axis.submit(PROVINCE, in(signed(doc, key)));

    axis.submit(PROVINCE, in(EdxmlCodec.write(status(doc, PROVINCE, StatusCode.RECALL_REQUESTED))));
    DocumentPackage revoke = TestKeys.document("204-TH");
    Packages.actOn(revoke, BusinessType.REVOKE, doc.documentId(), "Ban hành nhầm");
    Receipt r = axis.submit(PROVINCE, in(signed(revoke, key)));
    axis.submit(
        DEPARTMENT, in(EdxmlCodec.write(status(doc, DEPARTMENT, StatusCode.RECALL_AGREED))));

    assertThat(r.businessType()).isEqualTo("REVOKE");
    assertThat(axis.inbox(DEPARTMENT, 10))
        .extracting(InboxItem::kind, InboxItem::businessType, InboxItem::statusCode)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("document", "NEW", ""),
            org.assertj.core.groups.Tuple.tuple("status", "STATUS", "13"),
            org.assertj.core.groups.Tuple.tuple("document", "REVOKE", ""));
    DocumentHistory h = axis.history(PROVINCE, doc.documentId(), PROVINCE);
    assertThat(h.statuses())
        .extracting(StatusEntry::reporter, StatusEntry::statusCode)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(PROVINCE.value(), "13"),
            org.assertj.core.groups.Tuple.tuple(DEPARTMENT.value(), "15"));
    assertThat(h.actions())
        .singleElement()
        .satisfies(a -> assertThat(a.businessType()).isEqualTo("REVOKE"));

    DocumentPackage stray = TestKeys.document("205-TT");
    Packages.actOn(stray, BusinessType.REPLACE, "000.00.00.H41,2020/01/01,1/X", "thay thế");
    assertThatThrownBy(() -> axis.submit(PROVINCE, in(signed(stray, key))))
        .isInstanceOfSatisfying(
            InvalidPackageException.class,
            e -> assertThat(e.problems()).singleElement().asString().contains("no document"));
  }

  @Test
  void aRevokeNamingItsDocumentOnlyInMessageHeaderIsDeliveredAndItsReceiptCarriesTheWarning()
      throws Exception {
    axis = open("sqlite", RemoteDelivery.NONE);
    SigningKey key = TestKeys.rsa("UBND");
    DocumentPackage doc = TestKeys.document("209");
    Receipt original = axis.submit(PROVINCE, in(signed(doc, key)));
    assertThat(original.warnings()).isEmpty();

    // as the VXP SDK writes it: business type 1, the revoked document's id in MessageHeader only
    DocumentPackage revoke = TestKeys.document("209");
    revoke.business().orElseThrow().bussinessDocType = BusinessType.REVOKE.code();
    revoke.business().orElseThrow().bussinessDocReason = "Ban hành nhầm";
    byte[] revokeBytes = signed(revoke, key);
    Receipt r = axis.submit(PROVINCE, in(revokeBytes));

    assertThat(r.businessType()).isEqualTo("REVOKE");
    assertThat(r.duplicate()).isFalse();
    assertThat(r.warnings())
        .extracting(ValidationWarning::kind)
        .containsExactly(ValidationWarning.Kind.REVOKE_TARGET_IN_MESSAGE_HEADER);
    assertThat(axis.history(PROVINCE, doc.documentId(), PROVINCE).actions())
        .singleElement()
        .satisfies(a -> assertThat(a.businessType()).isEqualTo("REVOKE"));
    assertThat(axis.inbox(DEPARTMENT, 10))
        .extracting(InboxItem::businessType)
        .containsExactly("NEW", "REVOKE");
    // resent, it is the same package: the original receipt, whose warnings were not kept
    Receipt again = axis.submit(PROVINCE, in(revokeBytes));
    assertThat(again.duplicate()).isTrue();
    assertThat(again.warnings()).isEmpty();

    // a revoke of a document this sender never sent is still refused
    DocumentPackage unknown = TestKeys.document("210");
    unknown.business().orElseThrow().bussinessDocType = BusinessType.REVOKE.code();
    assertThatThrownBy(() -> axis.submit(PROVINCE, in(signed(unknown, key))))
        .isInstanceOfSatisfying(
            InvalidPackageException.class,
            e -> assertThat(e.problems()).singleElement().asString().contains("no document"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void invalidAndForeignPackagesAreRefused(String kind) throws Exception {
    axis = open(kind, RemoteDelivery.NONE);
    DocumentPackage doc = TestKeys.document("206");

    assertThatThrownBy(() -> axis.submit(PROVINCE, in(EdxmlCodec.write(doc))))
        .isInstanceOfSatisfying(
            InvalidPackageException.class,
            e -> assertThat(e.problems()).contains("Signature: the package is not signed"));
    assertThatThrownBy(() -> axis.submit(DEPARTMENT, in(signed(doc, TestKeys.rsa("x")))))
        .isInstanceOfSatisfying(
            LgspException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ACCESS_DENIED));
    assertThatThrownBy(() -> axis.submit(REMOTE, in(signed(doc, TestKeys.rsa("x")))))
        .isInstanceOfSatisfying(
            LgspException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ACCESS_DENIED));
    assertThatThrownBy(
            () ->
                axis.submit(
                    DEPARTMENT,
                    in(
                        EdxmlCodec.write(
                            status(TestKeys.document("999"), DEPARTMENT, StatusCode.ACCEPTED)))))
        .isInstanceOfSatisfying(
            LgspException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.RESOURCE_NOT_FOUND));
    assertThat(axis.inbox(DEPARTMENT, 10)).isEmpty();
  }

  @Test
  void updateAndReplaceOfAKnownDocumentAreDeliveredAndRecordedInItsHistory() throws Exception {
    axis = open("sqlite", RemoteDelivery.NONE);
    SigningKey key = TestKeys.rsa("UBND");
    DocumentPackage doc = TestKeys.document("209");
    axis.submit(PROVINCE, in(signed(doc, key)));
    DocumentPackage update = TestKeys.document("209-CN");
    Packages.actOn(update, BusinessType.UPDATE, doc.documentId(), "Sửa trích yếu");
    DocumentPackage replace = TestKeys.document("209-TT");
    Packages.actOn(replace, BusinessType.REPLACE, doc.documentId(), "Thay thế văn bản");

    Receipt u = axis.submit(PROVINCE, in(signed(update, key)));
    Receipt r = axis.submit(PROVINCE, in(signed(replace, key)));

    assertThat(List.of(u.businessType(), r.businessType())).containsExactly("UPDATE", "REPLACE");
    assertThat(axis.inbox(DEPARTMENT, 10))
        .extracting(InboxItem::businessType)
        .containsExactly("NEW", "UPDATE", "REPLACE");
    assertThat(axis.history(DEPARTMENT, doc.documentId(), PROVINCE).actions())
        .extracting(a -> a.businessType())
        .containsExactly("UPDATE", "REPLACE");
  }

  @Test
  void rejectionAndRefusedRecallTravelBackToTheSender() throws Exception {
    axis = open("sqlite", RemoteDelivery.NONE);
    SigningKey key = TestKeys.rsa("UBND");
    DocumentPackage doc = TestKeys.document("210");
    axis.submit(PROVINCE, in(signed(doc, key)));

    axis.submit(DEPARTMENT, in(EdxmlCodec.write(status(doc, DEPARTMENT, StatusCode.REJECTED))));
    axis.submit(PROVINCE, in(EdxmlCodec.write(status(doc, PROVINCE, StatusCode.RECALL_REQUESTED))));
    axis.submit(
        DEPARTMENT, in(EdxmlCodec.write(status(doc, DEPARTMENT, StatusCode.RECALL_REFUSED))));

    assertThat(axis.inbox(PROVINCE, 10))
        .extracting(InboxItem::statusCode)
        .containsExactly("02", "16");
    DocumentHistory h = axis.history(PROVINCE, doc.documentId(), PROVINCE);
    assertThat(h.statuses())
        .extracting(StatusEntry::reporter, StatusEntry::statusCode)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(DEPARTMENT.value(), "02"),
            org.assertj.core.groups.Tuple.tuple(PROVINCE.value(), "13"),
            org.assertj.core.groups.Tuple.tuple(DEPARTMENT.value(), "16"));
    assertThat(h.recipients().get(DEPARTMENT.value()).latestStatus()).isEqualTo("16");
  }

  @Test
  void forwardsPendingWhenTheSendingNodeStopsLeaveAfterItsRestart() throws Exception {
    axis =
        open(
            "sqlite",
            (recipient, file) -> {
              throw new IllegalStateException("peer unreachable");
            });
    DocumentPackage doc = TestKeys.document("211");
    doc.header().to.add(new Edxml.Organization(REMOTE.value(), "Văn phòng Chính phủ"));
    axis.submit(PROVINCE, in(signed(doc, TestKeys.rsa("UBND"))));
    waitFor(() -> axis.outboxCounts().getOrDefault("pending", 0) == 1);
    axis.close();

    List<AgencyCode> delivered = new CopyOnWriteArrayList<>();
    axis = open("sqlite", (recipient, file) -> delivered.add(recipient));
    // the delivery is marked done after the peer took it: wait for the mark, not the hand-over
    waitFor(() -> axis.outboxCounts().getOrDefault("done", 0) == 1);

    assertThat(delivered).containsExactly(REMOTE);
    assertThat(axis.outboxCounts()).containsEntry("done", 1).doesNotContainKey("pending");
  }

  @Test
  void aSlowDestinationDoesNotHoldUpTheOthers() throws Exception {
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    List<String> delivered = new CopyOnWriteArrayList<>();
    axis =
        open(
            "sqlite",
            (recipient, file) -> {
              if (calls.incrementAndGet() == 1) {
                // the first forward hangs, as a peer that accepts the connection and never answers
                release.await();
              }
              delivered.add(
                  new String(file.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            });
    DocumentPackage slow = TestKeys.document("212");
    slow.header().to.add(new Edxml.Organization(REMOTE.value(), "Văn phòng Chính phủ"));
    DocumentPackage next = TestKeys.document("213");
    next.header().to.add(new Edxml.Organization(REMOTE.value(), "Văn phòng Chính phủ"));
    SigningKey key = TestKeys.rsa("UBND");

    axis.submit(PROVINCE, in(signed(slow, key)));
    waitFor(() -> calls.get() == 1);
    axis.submit(PROVINCE, in(signed(next, key)));

    try {
      waitFor(() -> delivered.size() == 1);
      assertThat(delivered.get(0)).contains(next.documentId());
    } finally {
      release.countDown();
    }
    waitFor(() -> delivered.size() == 2);
    assertThat(delivered.get(1)).contains(slow.documentId());
  }

  @Test
  void deliveriesInFlightAreBounded() throws Exception {
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    AtomicInteger now = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    axis =
        open(
            "sqlite",
            (recipient, file) -> {
              most.accumulateAndGet(now.incrementAndGet(), Math::max);
              try {
                release.await();
              } finally {
                now.decrementAndGet();
              }
              done.incrementAndGet();
            });
    SigningKey key = TestKeys.ec("UBND");
    int documents = Outbox.MAX_IN_FLIGHT + 8;
    for (int i = 0; i < documents; i++) {
      DocumentPackage d = TestKeys.document("214-" + i);
      d.header().to.add(new Edxml.Organization(REMOTE.value(), "Văn phòng Chính phủ"));
      axis.submit(PROVINCE, in(signed(d, key)));
    }
    try {
      waitFor(() -> now.get() == Outbox.MAX_IN_FLIGHT);
      // No further delivery may start while these are held.
      await()
          .during(Duration.ofMillis(300))
          .atMost(Duration.ofSeconds(5))
          .until(() -> now.get() == Outbox.MAX_IN_FLIGHT);
    } finally {
      release.countDown();
    }
    waitFor(() -> done.get() == documents);
    assertThat(most.get()).isEqualTo(Outbox.MAX_IN_FLIGHT);
  }

  @Test
  void aBodyThatBreaksOffIsTheRequestsFaultAndLeavesNothing() throws Exception {
    axis = open("sqlite", RemoteDelivery.NONE);
    byte[] whole = signed(TestKeys.document("208"), TestKeys.rsa("UBND"));
    // the HTTP server reports a client gone mid-body with its own unchecked exceptions
    for (RuntimeException broken :
        List.of(
            new java.io.UncheckedIOException(new java.io.IOException("connection reset")),
            new IllegalStateException("not enough data"))) {
      java.io.InputStream body =
          new java.io.FilterInputStream(in(whole)) {
            int reads;

            @Override
            public int read(byte[] b, int off, int len) throws java.io.IOException {
              if (reads++ > 0) {
                throw broken;
              }
              return super.read(b, off, Math.min(len, 1000));
            }
          };
      assertThatThrownBy(() -> axis.submit(PROVINCE, body))
          .isInstanceOfSatisfying(
              LgspException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.REQUEST_MALFORMED));
    }
    assertThat(axis.inbox(DEPARTMENT, 10)).isEmpty();
    try (var left = Files.list(dir.resolve("axis"))) {
      assertThat(left.flatMap(DocumentAxisTest::filesUnder)).isEmpty();
    }
  }

  private static java.util.stream.Stream<Path> filesUnder(Path p) {
    try {
      return Files.isDirectory(p)
          ? Files.list(p).flatMap(DocumentAxisTest::filesUnder)
          : Stream.of(p);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void acceptedPackagesSurviveARestart(String kind) throws Exception {
    axis = open(kind, RemoteDelivery.NONE);
    axis.submit(PROVINCE, in(signed(TestKeys.document("207"), TestKeys.rsa("UBND"))));
    axis.close();

    axis = open(kind, RemoteDelivery.NONE);

    assertThat(axis.inbox(DEPARTMENT, 10))
        .singleElement()
        .satisfies(i -> assertThat(axis.fetch(DEPARTMENT, i.deliveryId()).size() > 0).isTrue());
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void webhookPushRetriesWithBackoffUntilAccepted(String kind) throws Exception {
    AtomicInteger calls = new AtomicInteger();
    List<Long> times = new CopyOnWriteArrayList<>();
    List<byte[]> bodies = new CopyOnWriteArrayList<>();
    HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    hook.createContext(
        "/hook",
        ex -> {
          times.add(System.nanoTime());
          byte[] body = ex.getRequestBody().readAllBytes();
          int n = calls.incrementAndGet();
          if (n >= 3) {
            bodies.add(body);
          }
          ex.sendResponseHeaders(n < 3 ? 503 : 204, -1);
          ex.close();
        });
    hook.start();
    try {
      axis = open(kind, RemoteDelivery.NONE);
      axis.webhook(
          DEPARTMENT, Optional.of("http://127.0.0.1:" + hook.getAddress().getPort() + "/hook"));
      byte[] bytes = signed(TestKeys.document("208"), TestKeys.rsa("UBND"));
      axis.submit(PROVINCE, in(bytes));

      waitFor(() -> axis.outboxCounts().getOrDefault("done", 0) == 1);

      assertThat(calls.get()).isEqualTo(3);
      assertThat(bodies).singleElement().isEqualTo(bytes);
      // backoff of 20 ms, then 40 ms (retry base 20 ms, doubling)
      assertThat(Duration.ofNanos(times.get(1) - times.get(0)))
          .isGreaterThanOrEqualTo(Duration.ofMillis(20));
      assertThat(Duration.ofNanos(times.get(2) - times.get(1)))
          .isGreaterThanOrEqualTo(Duration.ofMillis(40));
      assertThat(axis.inbox(DEPARTMENT, 10)).isEmpty();
    } finally {
      hook.stop(0);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void remoteRecipientsAreForwardedThroughTheOutboxWithRetries(String kind) throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    List<AgencyCode> delivered = new CopyOnWriteArrayList<>();
    axis =
        open(
            kind,
            (recipient, file) -> {
              if (attempts.incrementAndGet() < 2) {
                throw new IllegalStateException("peer unreachable");
              }
              assertThat(file.size()).isPositive();
              delivered.add(recipient);
            });
    DocumentPackage doc = TestKeys.document("209");
    doc.header().to.add(new Edxml.Organization(REMOTE.value(), "Văn phòng Chính phủ"));

    Receipt r = axis.submit(PROVINCE, in(signed(doc, TestKeys.rsa("UBND"))));
    waitFor(() -> !delivered.isEmpty());

    assertThat(r.recipients()).containsExactly(DEPARTMENT.value(), REMOTE.value());
    assertThat(delivered).containsExactly(REMOTE);
    waitFor(
        () ->
            axis.history(PROVINCE, doc.documentId(), PROVINCE)
                .recipients()
                .get(REMOTE.value())
                .delivery()
                .equals("forwarded"));
    assertThat(axis.outboxCounts()).isEqualTo(Map.of("done", 1));
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void statusesOfADocumentLeaveInOrderEvenWhenOneIsRetried(String kind) throws Exception {
    List<String> forwarded = new CopyOnWriteArrayList<>();
    AtomicInteger failuresLeft = new AtomicInteger(1);
    axis =
        open(
            kind,
            (recipient, file) -> {
              StatusPackage s = (StatusPackage) EdxmlCodec.parse(file.readAllBytes()).pkg();
              if (s.statusCode().equals("03") && failuresLeft.getAndDecrement() > 0) {
                throw new IllegalStateException("peer unreachable");
              }
              forwarded.add(s.statusCode());
            });
    DocumentPackage fromRemote =
        Packages.document(
            new Packages.NewDocument(
                REMOTE,
                "Văn phòng Chính phủ",
                List.of(DEPARTMENT),
                "88",
                "VPCP-KSTT",
                java.time.LocalDate.of(2026, 11, 20),
                "V/v báo cáo",
                "Nội dung",
                "Người ký"),
            Instant.now());
    axis.relay(REMOTE, in(signed(fromRemote, TestKeys.ec("VPCP"))));

    List<StatusCode> codes =
        List.of(
            StatusCode.ARRIVED,
            StatusCode.ACCEPTED,
            StatusCode.ASSIGNED,
            StatusCode.IN_PROGRESS,
            StatusCode.COMPLETED);
    for (StatusCode code : codes) {
      axis.submit(DEPARTMENT, in(EdxmlCodec.write(status(fromRemote, DEPARTMENT, code))));
    }
    waitFor(() -> forwarded.size() == codes.size());

    assertThat(forwarded).containsExactly("01", "03", "04", "05", "06");
  }

  static void waitFor(java.util.function.BooleanSupplier condition) {
    await().atMost(Duration.ofSeconds(20)).until(condition::getAsBoolean);
  }
}
