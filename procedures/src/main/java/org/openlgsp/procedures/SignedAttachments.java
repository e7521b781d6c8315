package org.openlgsp.procedures;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.openlgsp.core.Certificates;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.Directory;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.Json;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.SignedDocument;

/**
 * Checks the hospital's signed birth certificate attached to a dossier, before any case exists: the
 * core {@link SignedDocument} envelope is verified against the signing certificates the signed
 * directory (fetched from the registry, itself verified against the registry's signing
 * certificates) lists for the member the certificate names as its hospital; then the certificate
 * must match the dossier (child's birth date and sex, mother's personal ID). Anything else is
 * {@code procedure.certificate_invalid} (422) saying what failed, and no case is created.
 */
final class SignedAttachments {
  static final SignedDocument.Kind<BirthCertificate> KIND =
      new SignedDocument.Kind<>(
          BirthCertificate.class, ErrorCode.BIRTH_CERTIFICATE_INVALID, "birth certificate");
  private static final Duration FRESH = Duration.ofSeconds(30);
  private static final Duration MIN_REFETCH = Duration.ofSeconds(2);
  private final Optional<ProceduresOptions.DirectorySource> source;
  private final Clock clock;
  private final WebClient http = WebClient.builder().followRedirects(false).build();
  private volatile Directory directory;
  private volatile Instant fetchedAt = Instant.EPOCH;

  SignedAttachments(Optional<ProceduresOptions.DirectorySource> source, Clock clock) {
    this.source = source;
    this.clock = clock;
  }

  /** The verified certificate of {@code dossier}, or empty when it carries none. */
  Optional<BirthCertificate> check(JsonNode dossier) {
    JsonNode attached = dossier.path(BirthCertificate.FIELD);
    if (attached.isMissingNode() || attached.isNull()) {
      return Optional.empty();
    }
    if (source.isEmpty()) {
      throw KIND.refusal(
          "a signed birth certificate is attached but this engine has no directory to check its"
              + " signature against (procedures: directory)");
    }
    SignedDocument envelope;
    BirthCertificate claimed;
    try {
      envelope = Json.mapper().treeToValue(attached, SignedDocument.class);
      claimed =
          Json.read(
              java.util.Base64.getDecoder().decode(envelope.payload()), BirthCertificate.class);
    } catch (Exception e) {
      throw KIND.refusal("birth certificate is not a readable signed document");
    }
    ClientId hospital = ClientId.parse(claimed.coSoYTe());
    List<X509Certificate> signers = hospitalSigners(hospital, envelope);
    // the envelope's own check: signer among the hospital's certificates, valid now, signature
    BirthCertificate verified = envelope.verify(signers, clock.instant(), KIND);
    matchDossier(verified, dossier);
    return Optional.of(verified);
  }

  private List<X509Certificate> hospitalSigners(ClientId hospital, SignedDocument envelope) {
    Optional<Directory.Member> member = directory(false).member(hospital);
    if (member.isEmpty() || !lists(member.get(), envelope)) {
      member = directory(true).member(hospital); // a member or key published since
    }
    if (member.isEmpty()) {
      throw KIND.refusal("birth certificate names " + hospital + ", not a member in the directory");
    }
    return member.get().signingCertificates().stream().map(Certificates::fromBase64).toList();
  }

  private static boolean lists(Directory.Member member, SignedDocument envelope) {
    try {
      byte[] der = Certificates.der(Certificates.fromBase64(envelope.signerCertificate()));
      return member.signingCertificates().stream()
          .anyMatch(c -> Arrays.equals(Certificates.der(Certificates.fromBase64(c)), der));
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static void matchDossier(BirthCertificate c, JsonNode dossier) {
    JsonNode child = dossier.path("treEm");
    JsonNode mother = dossier.path("me");
    if (!c.ngaySinh().equals(child.path("ngaySinh").asText())
        || !c.gioiTinh().equals(child.path("gioiTinh").asText())
        || !c.soDinhDanhMe().equals(mother.path("soDinhDanh").asText())) {
      throw KIND.refusal(
          "birth certificate does not match the dossier (child's birth date and sex, mother's"
              + " personal ID)");
    }
  }

  private synchronized Directory directory(boolean refresh) {
    Instant now = clock.instant();
    Duration age = Duration.between(fetchedAt, now);
    if (directory != null && age.compareTo(refresh ? MIN_REFETCH : FRESH) < 0) {
      return directory;
    }
    ProceduresOptions.DirectorySource s = source.orElseThrow();
    try (HttpClientResponse r = http.get(s.registryUrl() + "/directory").request()) {
      if (r.status().code() != 200) {
        throw new LgspException(
            ErrorCode.PROCEDURE_DIRECTORY_UNAVAILABLE,
            "the signed directory is unavailable (registry answered " + r.status().code() + ")");
      }
      byte[] body = r.as(byte[].class);
      directory =
          SignedDocument.parse(body, Directory.SIGNED)
              .verify(s.registrySigners(), now, Directory.SIGNED);
      fetchedAt = now;
      return directory;
    } catch (java.io.UncheckedIOException e) {
      if (directory != null) {
        return directory;
      }
      throw new LgspException(
          ErrorCode.PROCEDURE_DIRECTORY_UNAVAILABLE,
          "the signed directory is unreachable: " + e.getMessage());
    }
  }
}
