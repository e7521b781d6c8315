package org.openlgsp.gateway;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openlgsp.core.LgspException;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.pki.CertificateProfile;
import org.openlgsp.pki.Credentials;

/** CMS AuthEnvelopedData sealing of hub-relayed messages (docs/federation.md, "Hub mode"). */
class SealingTest {
  private static final Duration DAY = Duration.ofDays(1);
  private static final String CITIZEN = "079203001234";

  private final CertificateAuthority ca = CertificateAuthority.createRoot("Test Root", DAY);
  private final Credentials provider = encryption("VN-NDXP:GOV:000.00.00.G01");
  private final Credentials rotated = encryption("VN-NDXP:GOV:000.00.00.G01 next");
  private final Credentials hub = encryption("VN-NDXP:GOV:000.00.00.G01 hub");

  private Credentials encryption(String cn) {
    return ca.issueCredentials(CertificateProfile.MEMBER_ENCRYPTION, cn, "Test", List.of(), DAY);
  }

  private static Sealing.Content request() {
    return new Sealing.Content(
        "GET",
        "/citizens/" + CITIZEN,
        0,
        Map.of("X-Road-UserId", "VN" + CITIZEN, "X-Road-Represented-Party", "GOV/000.00.00.H53"),
        ("{\"id\":\"" + CITIZEN + "\"}").getBytes(UTF_8));
  }

  @Test
  void theProvidersKeyOpensWhatWasSealedToItAndTheCiphertextHoldsNoPlaintext() {
    byte[] sealed = Sealing.seal(request(), List.of(provider.certificate()));

    assertThat(new String(sealed, java.nio.charset.StandardCharsets.ISO_8859_1))
        .doesNotContain(CITIZEN)
        .doesNotContain("citizens")
        .doesNotContain("X-Road-UserId");
    Sealing.Content opened = Sealing.open(sealed, provider.certificate(), provider.key());
    assertThat(opened.method()).isEqualTo("GET");
    assertThat(opened.target()).isEqualTo("/citizens/" + CITIZEN);
    assertThat(opened.headers()).containsEntry("X-Road-UserId", "VN" + CITIZEN);
    assertThat(new String(opened.body(), UTF_8)).contains(CITIZEN);
  }

  @Test
  void eachSealUsesAFreshEphemeralKey() {
    byte[] a = Sealing.seal(request(), List.of(provider.certificate()));
    byte[] b = Sealing.seal(request(), List.of(provider.certificate()));
    assertThat(a).isNotEqualTo(b);
  }

  @Test
  void sealedToEveryPublishedKeySoThatARotationLosesNothing() {
    byte[] sealed = Sealing.seal(request(), List.of(provider.certificate(), rotated.certificate()));
    assertThat(Sealing.open(sealed, rotated.certificate(), rotated.key()).target())
        .isEqualTo("/citizens/" + CITIZEN);
    assertThat(Sealing.open(sealed, provider.certificate(), provider.key()).target())
        .isEqualTo("/citizens/" + CITIZEN);
  }

  @Test
  void aKeyTheMessageWasNotSealedToCannotOpenIt() {
    byte[] sealed = Sealing.seal(request(), List.of(provider.certificate()));
    assertThatThrownBy(() -> Sealing.open(sealed, hub.certificate(), hub.key()))
        .isInstanceOfSatisfying(
            LgspException.class,
            e -> assertThat(e.code().code()).isEqualTo("federation.seal_invalid"));
    // the hub's key claiming to be the provider's recipient: the unwrap fails
    assertThatThrownBy(() -> Sealing.open(sealed, provider.certificate(), hub.key()))
        .isInstanceOfSatisfying(
            LgspException.class,
            e -> assertThat(e.code().code()).isEqualTo("federation.seal_invalid"));
  }

  @Test
  void everyFlippedByteOfTheCiphertextIsRefused() {
    byte[] sealed = Sealing.seal(request(), List.of(provider.certificate()));
    // the last bytes are the GCM tag and the ciphertext: every flip there must be caught
    for (int i = sealed.length - 48; i < sealed.length; i++) {
      byte[] tampered = sealed.clone();
      tampered[i] ^= 0x01;
      assertThatThrownBy(() -> Sealing.open(tampered, provider.certificate(), provider.key()))
          .as("byte " + i)
          .isInstanceOfSatisfying(
              LgspException.class,
              e -> {
                assertThat(e.code().code()).isEqualTo("federation.seal_invalid");
                assertThat(e.detail()).doesNotContain(CITIZEN);
              });
    }
  }

  @Test
  void aPlainBodyIsNotASealedMessage() {
    byte[] plain = ("{\"id\":\"" + CITIZEN + "\"}").getBytes(UTF_8);
    assertThatThrownBy(() -> Sealing.open(plain, provider.certificate(), provider.key()))
        .isInstanceOfSatisfying(
            LgspException.class,
            e -> {
              assertThat(e.code().code()).isEqualTo("federation.seal_invalid");
              assertThat(e.detail()).doesNotContain(CITIZEN);
            });
  }

  @Test
  void nothingIsSealedToAMemberWithoutAnEncryptionKey() {
    assertThatThrownBy(() -> Sealing.seal(request(), List.of()))
        .isInstanceOfSatisfying(
            LgspException.class,
            e -> assertThat(e.code().code()).isEqualTo("federation.seal_invalid"));
  }

  @Test
  void theEncryptionProfileIsKeyAgreementOnlyAndNotASigningCertificate() {
    assertThat(CertificateProfile.MEMBER_ENCRYPTION.permits(provider.certificate())).isTrue();
    assertThat(CertificateProfile.MEMBER_SIGNING.permits(provider.certificate())).isFalse();
    Credentials signing =
        ca.issueCredentials(CertificateProfile.MEMBER_SIGNING, "signer", "Test", List.of(), DAY);
    assertThat(CertificateProfile.MEMBER_ENCRYPTION.permits(signing.certificate())).isFalse();
    assertThat(provider.certificate().getPublicKey().getAlgorithm()).isEqualTo("EC");
  }
}
