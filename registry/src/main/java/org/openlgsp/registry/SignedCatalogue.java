package org.openlgsp.registry;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.openlgsp.core.Certificates;
import org.openlgsp.core.Digests;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.Json;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.MessageSigner;
import org.openlgsp.core.SignatureAlgorithm;
import org.openlgsp.core.SignedDirectory;

/**
 * A {@link FederatedCatalogue} as published: the exact JSON bytes signed (base64), the signature
 * and the signer's certificate. Verified on those bytes against the certificate the agreement pins.
 */
public record SignedCatalogue(
    String payload, String signature, SignatureAlgorithm algorithm, String signerCertificate) {
  public SignedCatalogue {
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(signature, "signature");
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(signerCertificate, "signerCertificate");
  }

  public static SignedCatalogue sign(FederatedCatalogue catalogue, MessageSigner signer) {
    byte[] bytes = Json.write(catalogue);
    return new SignedCatalogue(
        Digests.base64(bytes),
        Digests.base64(signer.sign(bytes)),
        signer.algorithm(),
        Certificates.base64(signer.certificate()));
  }

  public static SignedCatalogue parse(byte[] json) {
    try {
      return Json.read(json, SignedCatalogue.class);
    } catch (LgspException e) {
      throw invalid(e.detail());
    }
  }

  public byte[] toJson() {
    return Json.write(this);
  }

  /**
   * Checks that the signer is exactly {@code pinned}, valid at {@code now}, and signed these bytes;
   * then decodes them. Expiry and the agreement's names are the importer's to check.
   */
  public FederatedCatalogue verify(X509Certificate pinned, Instant now) {
    byte[] bytes =
        SignedDirectory.verifiedBytes(
            payload,
            signature,
            algorithm,
            signerCertificate,
            List.of(pinned),
            now,
            ErrorCode.FEDERATION_CATALOGUE_INVALID,
            "catalogue");
    try {
      return Json.read(bytes, FederatedCatalogue.class);
    } catch (LgspException e) {
      throw invalid(e.detail());
    }
  }

  static LgspException invalid(String detail) {
    return new LgspException(ErrorCode.FEDERATION_CATALOGUE_INVALID, detail);
  }
}
