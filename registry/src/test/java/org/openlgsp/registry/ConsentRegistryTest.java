package org.openlgsp.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openlgsp.core.Directory;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.KeyedHash;
import org.openlgsp.core.LgspException;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.TestDatabases;

/** The consent registry: stored by keyed hash only, published while valid, withdrawals audited. */
class ConsentRegistryTest {
  static final String ID = "079090001234";
  static final KeyedHash KEY = new KeyedHash(KeyedHash.newSecret());
  @TempDir Path dir;

  static Registry registry(Database db) {
    return new Registry(
        db,
        RegistryOptions.defaults("VN"),
        RegistryTest.SIGNER.signer(),
        Clock.systemUTC(),
        Optional.of(KEY));
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void aConsentIsPublishedByKeyedHashUntilWithdrawnAndItsHistoryKept(String kind) {
    try (Database db = TestDatabases.open(kind, dir)) {
      Registry r = registry(db);
      RegistryTest.populate(r);
      Instant now = Instant.now();
      String id =
          r.addConsent(
              ID,
              "ho-tich",
              RegistryTest.TN,
              "1.001234",
              now.minusSeconds(60),
              now.plus(Duration.ofDays(30)));
      r.addConsent(
          ID,
          "ho-tich",
          RegistryTest.TN,
          "1.000001",
          now.minus(Duration.ofDays(30)),
          now.minusSeconds(1));

      Directory published =
          r.publish().verify(List.of(RegistryTest.SIGNER.certificate()), now, Directory.SIGNED);
      r.withdrawConsent(id);
      Directory after =
          r.publish().verify(List.of(RegistryTest.SIGNER.certificate()), now, Directory.SIGNED);

      assertThat(published.consents())
          .singleElement()
          .satisfies(
              c -> {
                assertThat(c.subjectHash()).isEqualTo(KEY.hash(ID));
                assertThat(c.purpose()).isEqualTo("1.001234"); // the expired one is left out
              });
      assertThat(published.toString()).doesNotContain(ID);
      assertThat(after.consents()).isEmpty();
      assertThat(after.serial()).isGreaterThan(published.serial());
      assertThat(r.consents(ID))
          .hasSize(2)
          .filteredOn(e -> e.id().equals(id))
          .singleElement()
          .satisfies(e -> assertThat(e.withdrawn()).isPresent());
      assertThat(r.consents("079090009999")).isEmpty();
    }
  }

  @Test
  void theDatabaseHoldsNoPersonalIdInTheClear() throws Exception {
    try (Database db = TestDatabases.sqlite(dir)) {
      Registry r = registry(db);
      RegistryTest.populate(r);
      Instant now = Instant.now();
      r.addConsent(ID, "ho-tich", RegistryTest.TN, "1.001234", now, now.plusSeconds(600));
    }
    try (var files = java.nio.file.Files.walk(dir)) {
      for (Path f : files.filter(java.nio.file.Files::isRegularFile).toList()) {
        assertThat(
                new String(
                    java.nio.file.Files.readAllBytes(f),
                    java.nio.charset.StandardCharsets.ISO_8859_1))
            .as(f.toString())
            .doesNotContain(ID);
      }
    }
  }

  @Test
  void badConsentsAreRefusedAndARegistryWithoutAKeyKeepsNone() {
    try (Database db = TestDatabases.sqlite(dir)) {
      Registry r = registry(db);
      RegistryTest.populate(r);
      Instant now = Instant.now();

      assertThatThrownBy(
              () ->
                  r.addConsent(ID, "ho tich", RegistryTest.TN, "1.001234", now, now.plusSeconds(1)))
          .isInstanceOfSatisfying(
              LgspException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.REQUEST_MALFORMED));
      assertThatThrownBy(() -> r.addConsent(ID, "ho-tich", RegistryTest.TN, "1.001234", now, now))
          .isInstanceOf(LgspException.class);
      assertThatThrownBy(
              () ->
                  r.addConsent(
                      ID, "ho-tich", RegistryTest.PORTAL, "1.001234", now, now.plusSeconds(1)))
          .isInstanceOfSatisfying(
              LgspException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.IDENTIFIER_INVALID));
      assertThatThrownBy(
              () ->
                  r.addConsent(
                      ID,
                      "ho-tich",
                      org.openlgsp.core.ClientId.parse("VN/GOV/000.00.00.K01"),
                      "1.001234",
                      now,
                      now.plusSeconds(1)))
          .isInstanceOfSatisfying(
              LgspException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.RESOURCE_NOT_FOUND));
      assertThatThrownBy(() -> RegistryTest.registry(db).consents(ID))
          .hasMessageContaining("consentKey");
    }
  }

  @Test
  void theAdminApiAndItsClientRecordSearchAndWithdrawAndAuditEachChange() {
    try (Database db = TestDatabases.sqlite(dir)) {
      Registry registry = registry(db);
      RegistryTest.populate(registry);
      try (RegistryServer server =
          RegistryServer.start(
              registry,
              RegistryServer.hashToken(RegistryServerTest.TOKEN),
              "127.0.0.1",
              0,
              Optional.empty())) {
        RegistryClient client =
            new RegistryClient("http://127.0.0.1:" + server.port(), RegistryServerTest.TOKEN);
        Instant now = Instant.now();

        String id =
            client
                .addConsent(
                    new AdminRequests.Consent(
                        ID,
                        "ho-tich",
                        RegistryTest.TN.toString(),
                        "1.001234",
                        now,
                        now.plusSeconds(600)))
                .id();
        List<Registry.ConsentEntry> listed = client.consents(ID);
        client.withdrawConsent(id);
        List<Registry.ConsentEntry> withdrawn = client.consents(ID);

        assertThat(listed).singleElement().satisfies(e -> assertThat(e.withdrawn()).isEmpty());
        assertThat(withdrawn).singleElement().satisfies(e -> assertThat(e.withdrawn()).isPresent());
        assertThat(registry.auditLog(10))
            .extracting(Registry.AuditEntry::action)
            .contains("consent.add", "consent.search", "consent.withdraw");
        assertThat(registry.auditLog(10).toString()).doesNotContain(ID);
      }
    }
  }
}
