package org.openlgsp.documents;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.pki.CertificateProfile;
import org.openlgsp.pki.CertificateValidator;
import org.openlgsp.pki.RevocationChecker;

/**
 * Whom the axis believes: a signature that verifies only proves that the holder of the key in
 * KeyInfo signed — anyone can make a key. The signer's certificate must also chain (PKIX) to one of
 * the trust anchors, be valid now and issued for signing; optionally it must name the sending
 * organ, and its revocation status is asked of its CA's OCSP responder.
 *
 * <p>Sender match rule: the certificate names an organ by its Decision 20/2020 code in the subject
 * CN, organizationIdentifier (2.5.4.97) or UID attribute; one of them must equal the package's
 * {@code From/OrganId} exactly. A unit under a People's Committee therefore signs with its own
 * certificate, not its parent's: the code in {@code From} is the organ that answers for the
 * document.
 */
public final class SignerTrust {
  private static final Set<ASN1ObjectIdentifier> ORGAN_ATTRIBUTES =
      Set.of(BCStyle.CN, BCStyle.ORGANIZATION_IDENTIFIER, BCStyle.UID);
  private final Supplier<List<X509Certificate>> anchors;
  private final boolean signerMustMatchSender;
  private final Optional<RevocationChecker> revocation;
  private final Clock clock;

  private SignerTrust(
      Supplier<List<X509Certificate>> anchors,
      boolean signerMustMatchSender,
      Optional<RevocationChecker> revocation,
      Clock clock) {
    this.anchors = Objects.requireNonNull(anchors, "anchors");
    this.signerMustMatchSender = signerMustMatchSender;
    this.revocation = Objects.requireNonNull(revocation, "revocation");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Signers must chain to {@code anchors}, asked anew for each package (so anchors of a refreshed
   * directory take effect without a restart). No anchors at all refuses every signed package.
   */
  public static SignerTrust anchoredAt(Supplier<List<X509Certificate>> anchors, Clock clock) {
    return new SignerTrust(anchors, false, Optional.empty(), clock);
  }

  public static SignerTrust anchoredAt(List<X509Certificate> anchors, Clock clock) {
    List<X509Certificate> copy = List.copyOf(anchors);
    return anchoredAt(() -> copy, clock);
  }

  /** With {@code true}, the signer's certificate must name the package's sending organ. */
  public SignerTrust requiringSenderMatch(boolean required) {
    return new SignerTrust(anchors, required, revocation, clock);
  }

  /** Checks each signer's revocation status (OCSP) with {@code checker}. */
  public SignerTrust withRevocation(RevocationChecker checker) {
    return new SignerTrust(anchors, signerMustMatchSender, Optional.of(checker), clock);
  }

  public boolean signerMustMatchSender() {
    return signerMustMatchSender;
  }

  public boolean checksRevocation() {
    return revocation.isPresent();
  }

  /**
   * The signature check with the signer's trust problems added. Revocation is asked only of a
   * signer that passed everything else, so forged packages cost no OCSP round trip.
   *
   * @throws LgspException {@code ocsp.unavailable}, {@code ocsp.stale} or {@code ocsp.invalid} when
   *     the signer's status cannot be learnt now: the package is not wrong, the sender retries
   */
  SignatureCheck check(SignatureCheck signature, String fromOrganId) {
    if (!signature.present()) {
      return signature;
    }
    if (signature.signer().isEmpty()) {
      return signature.problems().isEmpty()
          ? signature.withProblems(List.of("Signature: KeyInfo carries no signer certificate"))
          : signature;
    }
    X509Certificate signer = signature.signer().get();
    List<String> problems = new ArrayList<>();
    List<X509Certificate> trusted = anchors.get();
    if (trusted.isEmpty()) {
      problems.add("Signature: this axis has no trust anchors configured to check the signer");
    } else {
      try {
        new CertificateValidator(trusted, clock)
            .validate(signer, signature.others(), CertificateProfile.MEMBER_SIGNING);
      } catch (LgspException e) {
        problems.add(signerProblem(e, signer));
      }
    }
    if (signerMustMatchSender) {
      String from = fromOrganId.trim();
      List<String> named = organCodes(signer);
      if (!named.contains(from)) {
        problems.add(
            "Signature: signer certificate "
                + describe(signer)
                + " does not belong to the sending organ "
                + Validation.printable(from)
                + (named.isEmpty() ? " (it names no organ code)" : " (it names " + named + ")"));
      }
    }
    if (problems.isEmpty() && signature.problems().isEmpty() && revocation.isPresent()) {
      try {
        revocation.get().requireGood(signer, Optional.empty());
      } catch (LgspException e) {
        if (e.code() == ErrorCode.CERTIFICATE_REVOKED
            || e.code() == ErrorCode.CERTIFICATE_ISSUER_UNKNOWN) {
          problems.add("Signature: [" + e.code().code() + "] " + e.detail());
        } else {
          throw e;
        }
      }
    }
    return problems.isEmpty() ? signature : signature.withProblems(problems);
  }

  private static String signerProblem(LgspException e, X509Certificate signer) {
    if (e.code() == ErrorCode.CERTIFICATE_ISSUER_UNKNOWN) {
      return "Signature: [certificate.issuer_unknown] signer certificate "
          + describe(signer)
          + " does not chain to a trust anchor of this axis (issuer "
          + signer.getIssuerX500Principal().getName()
          + "); the axis operator adds the issuing CA to documents.trustAnchors";
    }
    return "Signature: [" + e.code().code() + "] signer " + e.detail();
  }

  /** The organ codes a certificate's subject names (CN, organizationIdentifier, UID). */
  static List<String> organCodes(X509Certificate certificate) {
    X500Principal subject = certificate.getSubjectX500Principal();
    List<String> out = new ArrayList<>();
    for (RDN rdn : X500Name.getInstance(subject.getEncoded()).getRDNs()) {
      for (AttributeTypeAndValue atv : rdn.getTypesAndValues()) {
        if (ORGAN_ATTRIBUTES.contains(atv.getType())) {
          String v = IETFUtils.valueToString(atv.getValue()).trim();
          if (org.openlgsp.core.AgencyCode.isValid(v) && !out.contains(v)) {
            out.add(v);
          }
        }
      }
    }
    return out;
  }

  private static String describe(X509Certificate c) {
    return "'"
        + Validation.printable(c.getSubjectX500Principal().getName())
        + "' (serial "
        + c.getSerialNumber().toString(16)
        + ")";
  }
}
