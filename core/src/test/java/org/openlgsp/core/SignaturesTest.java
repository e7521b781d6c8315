package org.openlgsp.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SignaturesTest {
  static KeyPair keys(String kind) throws Exception {
    return kind.equals("Ed25519") ? TestKeys.ed25519() : TestKeys.ecP256();
  }

  @ParameterizedTest
  @ValueSource(strings = {"Ed25519", "EC"})
  void signatureVerifiesAndAnyChangeBreaksIt(String kind) throws Exception {
    KeyPair pair = keys(kind);
    MessageSigner signer = Signatures.software(pair.getPrivate(), TestKeys.selfSigned(pair));
    byte[] data = "lgsp-request/1\nGET\n".getBytes(StandardCharsets.UTF_8);
    byte[] sig = signer.sign(data);
    Signatures.Verifier verifier = Signatures.verifier(pair.getPublic());

    assertThat(verifier.verify(data, sig)).isTrue();
    byte[] otherData = data.clone();
    otherData[0] ^= 1;
    assertThat(verifier.verify(otherData, sig)).isFalse();
    byte[] otherSig = sig.clone();
    otherSig[otherSig.length / 2] ^= 1;
    assertThat(verifier.verify(data, otherSig)).isFalse();
    assertThat(Signatures.verifier(keys(kind).getPublic()).verify(data, sig)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"Ed25519", "EC"})
  void jcaSignerInteroperatesWithTheVerifier(String kind) throws Exception {
    KeyPair pair = keys(kind);
    MessageSigner signer = Signatures.jca(pair.getPrivate(), TestKeys.selfSigned(pair));
    byte[] data = {1, 2, 3};
    assertThat(Signatures.verifier(pair.getPublic()).verify(data, signer.sign(data))).isTrue();
    assertThat(signer.algorithm())
        .isEqualTo(
            kind.equals("EC") ? SignatureAlgorithm.ECDSA_SHA256 : SignatureAlgorithm.ED25519);
  }
}
