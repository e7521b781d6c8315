package org.openlgsp.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openlgsp.core.Directory;
import org.openlgsp.ledger.Checkpoint;
import org.openlgsp.ledger.ConsentLog;
import org.openlgsp.ledger.ExchangeRecord;
import org.openlgsp.ledger.InclusionProof;
import org.openlgsp.ledger.LedgerSource;
import org.openlgsp.ledger.LedgerVerifier;
import org.openlgsp.ledger.Merkle;
import org.openlgsp.ledger.NoteKey;
import org.openlgsp.ledger.SignedNote;
import org.openlgsp.ledger.SubjectHasher;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.Sql;
import org.openlgsp.storage.TestDatabases;

/**
 * Every consent change is a record of the registry's consent log (an RFC 9162 ledger) with an
 * inclusion proof under a signed checkpoint; the log verifies offline as any ledger export does,
 * and a consent row edited in the database no longer matches what the log recorded.
 */
class ConsentLogTest {
  static final String ID = "079090001234";
  static final NoteKey LOG_KEY = NoteKey.generate("VN/registry/consents", NoteKey.TYPE_ED25519);
  @TempDir Path dir;

  static Registry registry(Database db, ConsentLog log) {
    return new Registry(
        db,
        RegistryOptions.defaults("VN"),
        RegistryTest.SIGNER.signer(),
        Clock.systemUTC(),
        Optional.of(ConsentRegistryTest.KEY),
        Optional.of(log));
  }

  String grant(Registry r) {
    Instant now = Instant.now();
    return r.addConsent(
        ID,
        "ho-tich",
        RegistryTest.TN,
        "1.001234",
        now.minusSeconds(60),
        now.plus(Duration.ofDays(30)));
  }

  static boolean proves(ConsentLog.Change c) {
    InclusionProof p = (InclusionProof) c.proof();
    SignedNote note = SignedNote.parse(p.checkpoint());
    Checkpoint cp = Checkpoint.parse(note.text());
    byte[] leaf = Merkle.leafHash(Base64.getDecoder().decode(c.record()));
    return note.verifiedBy(LOG_KEY.verifier())
        && Merkle.verifyInclusion(
            p.index(),
            p.treeSize(),
            leaf,
            p.path().stream().map(h -> Base64.getDecoder().decode(h)).toList(),
            cp.rootHash());
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void aGrantAndItsWithdrawalAreEachLoggedWithAProofAndTheLogVerifiesOffline(String kind)
      throws Exception {
    try (Database db = TestDatabases.open(kind, dir);
        ConsentLog log = ConsentLog.open(db, LOG_KEY, Clock.systemUTC())) {
      Registry r = registry(db, log);
      RegistryTest.populate(r);
      String id = grant(r);
      Registry.ConsentProof granted = r.consentProof(id);
      r.withdrawConsent(id);
      r.withdrawConsent(id); // a repeated withdrawal changes nothing and logs nothing
      Registry.ConsentProof withdrawn = r.consentProof(id);

      assertThat(granted.matches()).isTrue();
      assertThat(granted.changes()).singleElement().satisfies(c -> assertThat(proves(c)).isTrue());
      assertThat(granted.stateDigest()).isEqualTo(granted.consent().consent().digest());
      assertThat(withdrawn.matches()).isTrue();
      assertThat(withdrawn.changes())
          .extracting(ConsentLog.Change::action, ConsentLog.Change::version)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(ConsentLog.GRANT, 1),
              org.assertj.core.groups.Tuple.tuple(ConsentLog.WITHDRAW, 2));
      assertThat(withdrawn.changes()).allSatisfy(c -> assertThat(proves(c)).isTrue());
      ExchangeRecord recorded =
          ExchangeRecord.decode(Base64.getDecoder().decode(withdrawn.changes().get(1).record()));
      assertThat(recorded.consentId()).isEqualTo(id);
      assertThat(recorded.subjectHash()).isEqualTo(ConsentRegistryTest.KEY.hash(ID));
      assertThat(new String(recorded.canonical(), java.nio.charset.StandardCharsets.UTF_8))
          .doesNotContain(ID);
      assertThat(log.size()).isEqualTo(2);

      // what `lgsp ledger verify` does with an export of the log: recompute and check it
      Path export = dir.resolve("export-" + kind);
      try (LedgerSource s =
          LedgerSource.local(
              db, LOG_KEY.verifier(), new SubjectHasher(SubjectHasher.newSecret()))) {
        s.export(export, m -> {});
      }
      LedgerVerifier.Result v =
          LedgerVerifier.verify(export, List.of(LOG_KEY.verifier()), List.of(), m -> {});
      assertThat(v.sound()).as(v.problems().toString()).isTrue();
      assertThat(v.records()).isEqualTo(2);
    }
  }

  @org.junit.jupiter.api.Test
  void aProofOfAnUnknownConsentOrFromARegistryWithoutALogIsNotFound() {
    try (Database db = TestDatabases.open("sqlite", dir);
        ConsentLog log = ConsentLog.open(db, LOG_KEY, Clock.systemUTC())) {
      Registry r = registry(db, log);
      RegistryTest.populate(r);
      String id = grant(r);
      Registry withoutLog = ConsentRegistryTest.registry(db);

      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> r.consentProof("00000000-0000-4000-8000-000000000000"))
          .isInstanceOfSatisfying(
              org.openlgsp.core.LgspException.class,
              e -> assertThat(e.code()).isEqualTo(org.openlgsp.core.ErrorCode.RESOURCE_NOT_FOUND));
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> withoutLog.consentProof(id))
          .isInstanceOfSatisfying(
              org.openlgsp.core.LgspException.class,
              e -> assertThat(e.code()).isEqualTo(org.openlgsp.core.ErrorCode.RESOURCE_NOT_FOUND));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void aConsentRowEditedInTheDatabaseNoLongerMatchesTheLog(String kind) {
    try (Database db = TestDatabases.open(kind, dir);
        ConsentLog log = ConsentLog.open(db, LOG_KEY, Clock.systemUTC())) {
      Registry r = registry(db, log);
      RegistryTest.populate(r);
      String widened = grant(r);
      String revived = grant(r);
      r.withdrawConsent(revived);
      String loggedDigest = r.consentProof(widened).changes().getFirst().digest();

      // someone with database access widens one consent's purpose and un-withdraws the other
      Sql.inTransaction(
          db,
          h -> h.execute("UPDATE registry_consent SET purpose = '2.000999' WHERE id = ?", widened));
      Sql.inTransaction(
          db,
          h -> h.execute("UPDATE registry_consent SET withdrawn_at = NULL WHERE id = ?", revived));

      Registry.ConsentProof a = r.consentProof(widened);
      Registry.ConsentProof b = r.consentProof(revived);
      assertThat(a.matches()).isFalse();
      assertThat(a.stateDigest()).isNotEqualTo(loggedDigest);
      assertThat(a.changes()).allSatisfy(c -> assertThat(proves(c)).isTrue()); // the log is intact
      assertThat(b.matches()).isFalse();
      assertThat(b.changes().getLast().action()).isEqualTo(ConsentLog.WITHDRAW);
      // the directory publishes the revived consent again, while the log says it was withdrawn
      Directory published =
          r.publish()
              .verify(List.of(RegistryTest.SIGNER.certificate()), Instant.now(), Directory.SIGNED);
      assertThat(published.consents()).extracting(Directory.Consent::id).contains(revived);
    }
  }
}
