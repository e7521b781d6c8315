package org.openlgsp.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.openlgsp.registry.FederationFixture.*;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Certificates;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.ServiceId;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.TestDatabases;

class AgreementTest {
  @TempDir Path dir;

  @Test
  void anAgreementHoldsOnlyWithBothPartiesSignaturesByThePinnedKeysInsideItsWindow() {
    Instant now = Instant.now();
    Agreement a = agreement(now);
    SignedAgreement one = SignedAgreement.sign(a, NDXP, NDXP_SIGNER.signer());
    assertInvalid(() -> one.verify(now), "VN-TAYNINH has not signed");
    SignedAgreement both = one.countersign(TN, TN_SIGNER.signer());
    assertThat(both.verify(now)).isEqualTo(a);
    assertThat(SignedAgreement.parse(both.toJson()).verify(now)).isEqualTo(a);

    SignedAgreement wrongKey = one.countersign(TN, signer(TN_CA, "someone else").signer());
    assertInvalid(() -> wrongKey.verify(now), "VN-TAYNINH's signature does not verify");
    assertInvalid(() -> both.verify(a.notAfter()), "is valid from");
    assertInvalid(() -> both.verify(a.notBefore().minusSeconds(1)), "is valid from");
  }

  @Test
  void selectorsDecideWhatIsExportedAndWhoMayCall() {
    Agreement a = agreement(Instant.now());
    assertThat(a.exports(NDXP, TN, CITIZENS)).isTrue();
    assertThat(a.exports(NDXP, TN, SECRETS)).isFalse();
    assertThat(a.exports(TN, NDXP, CITIZENS)).as("no export the other way").isFalse();
    assertThat(a.admitsClient(NDXP, TN, PORTAL)).isTrue();
    assertThat(a.admitsClient(NDXP, TN, WAREHOUSE)).isFalse();
    assertThat(a.admitsClient(NDXP, TN, ClientId.parse(NDXP + "/GOV/000.00.00.H53/DVC")))
        .as("a client of the exporter's own instance is not the importer's")
        .isFalse();
    assertThat(Selector.memberClass("GOV").matches(ServiceId.parse("X/COM/1/S/s"))).isFalse();
    assertThat(Selector.memberClass("GOV").matches(PORTAL)).isTrue();
  }

  @Test
  void aRegistryRefusesAnAgreementItIsNoPartyToOrThatPinsAnotherKey() {
    Instant now = Instant.now();
    try (Database db = TestDatabases.sqlite(dir)) {
      Registry laoCai =
          new Registry(
              db,
              RegistryOptions.defaults("VN-LAOCAI"),
              signer(TN_CA, "lao cai").signer(),
              Clock.systemUTC());
      assertInvalid(
          () -> laoCai.federate(fast(dir, signedAgreement(), "http://127.0.0.1:1")),
          "is not a party");
      Registry impostor =
          new Registry(
              db,
              RegistryOptions.defaults(TN),
              signer(TN_CA, "impostor").signer(),
              Clock.systemUTC());
      assertInvalid(
          () -> impostor.federate(fast(dir, signedAgreement(), "http://127.0.0.1:1")),
          "pins another certificate");
    }
    assertInvalid(
        () ->
            new Agreement(
                "x",
                now,
                now.plusSeconds(1),
                List.of(
                    new Agreement.Party(NDXP, Certificates.base64(NDXP_SIGNER.certificate())),
                    new Agreement.Party(NDXP, Certificates.base64(NDXP_SIGNER.certificate()))),
                List.of()),
        "two parties");
    assertThat(Duration.ofSeconds(600)).isEqualTo(FederationOptions.DEFAULT_VALIDITY);
  }

  private static void assertInvalid(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String why) {
    assertThatThrownBy(call)
        .isInstanceOf(LgspException.class)
        .hasMessageContaining(why)
        .satisfies(
            e ->
                assertThat(((LgspException) e).code())
                    .isEqualTo(ErrorCode.FEDERATION_AGREEMENT_INVALID));
  }
}
