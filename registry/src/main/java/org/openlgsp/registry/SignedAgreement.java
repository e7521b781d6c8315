package org.openlgsp.registry;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.openlgsp.core.Certificates;
import org.openlgsp.core.Digests;
import org.openlgsp.core.Json;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.MessageSigner;
import org.openlgsp.core.SignatureAlgorithm;
import org.openlgsp.core.Signatures;

/**
 * An {@link Agreement} as both registries signed it: the exact JSON bytes (base64) and one
 * signature per party, each made with the directory-signing key whose certificate the agreement
 * pins for that party.
 */
public record SignedAgreement(String payload, List<PartySignature> signatures) {

  /** One party's signature over the payload bytes. */
  public record PartySignature(String instance, SignatureAlgorithm algorithm, String signature) {
    public PartySignature {
      Objects.requireNonNull(instance, "instance");
      Objects.requireNonNull(algorithm, "algorithm");
      Objects.requireNonNull(signature, "signature");
    }
  }

  public SignedAgreement {
    Objects.requireNonNull(payload, "payload");
    signatures = signatures == null ? List.of() : List.copyOf(signatures);
  }

  /** The first signature, by {@code instance}'s registry key. */
  public static SignedAgreement sign(Agreement agreement, String instance, MessageSigner signer) {
    byte[] bytes = Json.write(agreement);
    return new SignedAgreement(
        Digests.base64(bytes), List.of(signatureOf(bytes, instance, signer)));
  }

  /** The other party's signature over the same bytes. */
  public SignedAgreement countersign(String instance, MessageSigner signer) {
    List<PartySignature> all = new ArrayList<>(signatures);
    all.removeIf(s -> s.instance().equals(instance));
    all.add(signatureOf(bytes(), instance, signer));
    return new SignedAgreement(payload, all);
  }

  public static SignedAgreement parse(byte[] json) {
    try {
      return Json.read(json, SignedAgreement.class);
    } catch (LgspException e) {
      throw Agreement.invalid(e.detail());
    }
  }

  public byte[] toJson() {
    return Json.write(this);
  }

  /** The agreement, decoded but not verified. */
  public Agreement agreement() {
    try {
      return Json.read(bytes(), Agreement.class);
    } catch (LgspException e) {
      throw Agreement.invalid(e.detail());
    }
  }

  /**
   * Checks that both parties signed these bytes with the certificates the agreement pins, that
   * those certificates are valid now, and that {@code now} is inside the agreement's window.
   */
  public Agreement verify(Instant now) {
    Agreement a = agreement();
    if (!a.validAt(now)) {
      throw Agreement.invalid(
          "agreement " + a.id() + " is valid from " + a.notBefore() + " to " + a.notAfter());
    }
    for (Agreement.Party party : a.parties()) {
      verifySignatureOf(a, party, now);
    }
    return a;
  }

  /**
   * Checks {@code instance}'s signature alone, as the second party does before countersigning: that
   * it signed these bytes with the certificate the agreement pins for it, valid now.
   */
  public Agreement verifySignatureOf(String instance, Instant now) {
    Agreement a = agreement();
    verifySignatureOf(
        a,
        a.party(instance)
            .orElseThrow(() -> Agreement.invalid(instance + " is not a party to " + a.id())),
        now);
    return a;
  }

  private void verifySignatureOf(Agreement a, Agreement.Party party, Instant now) {
    PartySignature s =
        signatures.stream()
            .filter(x -> x.instance().equals(party.instance()))
            .findFirst()
            .orElseThrow(
                () -> Agreement.invalid(party.instance() + " has not signed agreement " + a.id()));
    X509Certificate cert = Certificates.fromBase64(party.registryCertificate());
    try {
      cert.checkValidity(java.util.Date.from(now));
    } catch (CertificateException e) {
      throw Agreement.invalid(party.instance() + "'s registry certificate is not valid now");
    }
    if (SignatureAlgorithm.forKeyAlgorithm(cert.getPublicKey().getAlgorithm()) != s.algorithm()) {
      throw Agreement.invalid(party.instance() + "'s signature algorithm does not match its key");
    }
    byte[] sig = Digests.fromBase64("agreement signature", s.signature());
    if (!Signatures.verifier(cert.getPublicKey()).verify(bytes(), sig)) {
      throw Agreement.invalid(party.instance() + "'s signature does not verify");
    }
  }

  private byte[] bytes() {
    return Digests.fromBase64("agreement payload", payload);
  }

  private static PartySignature signatureOf(byte[] bytes, String instance, MessageSigner signer) {
    return new PartySignature(instance, signer.algorithm(), Digests.base64(signer.sign(bytes)));
  }
}
