package org.openlgsp.procedures;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiPredicate;
import java.util.function.Function;
import org.openlgsp.core.Certificates;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.Directory;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.Json;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.SignedDocument;

/**
 * Checks the documents a health facility signs and a dossier carries, before any case exists: the
 * hospital's birth certificate ({@code giayChungSinh}, group 1) and the death notice ({@code
 * giayBaoTu}, group 2). Each is the core {@link SignedDocument} envelope, verified against the
 * signing certificates the signed directory (fetched from the registry, itself verified against the
 * registry's signing certificates) lists for the member the document names as its facility ({@code
 * coSoYTe}); then the document must match the dossier. Anything else is {@code
 * procedure.certificate_invalid} (422) saying what failed, and no case is created.
 */
final class SignedAttachments {
  /**
   * One kind of signed attachment: the dossier field carrying it, the document it signs, its
   * facility and number, the case variables keeping them, and how it must match the dossier.
   */
  record Attachment<T>(
      String field,
      SignedDocument.Kind<T> kind,
      Function<T, String> facility,
      Function<T, String> number,
      String numberVariable,
      String facilityVariable,
      BiPredicate<T, JsonNode> matches,
      String matchRule) {}

  static final Attachment<BirthCertificate> BIRTH =
      new Attachment<>(
          BirthCertificate.FIELD,
          new SignedDocument.Kind<>(
              BirthCertificate.class, ErrorCode.SIGNED_ATTACHMENT_INVALID, "birth certificate"),
          BirthCertificate::coSoYTe,
          BirthCertificate::soGiayChungSinh,
          Cases.CERTIFICATE_NUMBER,
          Cases.CERTIFICATE_HOSPITAL,
          (c, dossier) ->
              c.ngaySinh().equals(dossier.path("treEm").path("ngaySinh").asText())
                  && c.gioiTinh().equals(dossier.path("treEm").path("gioiTinh").asText())
                  && c.soDinhDanhMe().equals(dossier.path("me").path("soDinhDanh").asText()),
          "child's birth date and sex, mother's personal ID");

  static final Attachment<DeathNotice> DEATH =
      new Attachment<>(
          DeathNotice.FIELD,
          new SignedDocument.Kind<>(
              DeathNotice.class, ErrorCode.SIGNED_ATTACHMENT_INVALID, "death notice"),
          DeathNotice::coSoYTe,
          DeathNotice::soGiayBaoTu,
          Cases.DEATH_NOTICE_NUMBER,
          Cases.DEATH_NOTICE_FACILITY,
          (n, dossier) ->
              n.soDinhDanh().equals(dossier.path("nguoiChet").path("soDinhDanh").asText())
                  && n.ngayChet().equals(dossier.path("nguoiChet").path("ngayChet").asText())
                  && n.gioiTinh().equals(dossier.path("nguoiChet").path("gioiTinh").asText()),
          "deceased's personal ID, sex and date of death");

  private static final List<Attachment<?>> ATTACHMENTS = List.of(BIRTH, DEATH);
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

  /**
   * Refuses a signed document ({@code what}) without one of its fields, given as name, value pairs.
   */
  static void requireAll(String what, String... namesAndValues) {
    for (int i = 0; i < namesAndValues.length; i += 2) {
      String v = namesAndValues[i + 1];
      if (v == null || v.isBlank()) {
        throw new IllegalArgumentException(what + " without " + namesAndValues[i]);
      }
    }
  }

  /**
   * Verifies every signed attachment {@code dossier} carries.
   *
   * @return the case variables to keep of them (each one's number and signing facility), empty when
   *     it carries none
   */
  Map<String, Object> check(JsonNode dossier) {
    Map<String, Object> kept = new LinkedHashMap<>();
    for (Attachment<?> a : ATTACHMENTS) {
      keep(a, dossier, kept);
    }
    return kept;
  }

  private <T> void keep(Attachment<T> a, JsonNode dossier, Map<String, Object> kept) {
    JsonNode attached = dossier.path(a.field());
    if (attached.isMissingNode() || attached.isNull()) {
      return;
    }
    String what = a.kind().what();
    if (source.isEmpty()) {
      throw a.kind()
          .refusal(
              "a signed "
                  + what
                  + " is attached but this engine has no directory to check its signature"
                  + " against (procedures: directory)");
    }
    SignedDocument envelope;
    T claimed;
    try {
      envelope = Json.mapper().treeToValue(attached, SignedDocument.class);
      claimed = Json.read(Base64.getDecoder().decode(envelope.payload()), a.kind().type());
    } catch (Exception e) {
      throw a.kind().refusal(what + " is not a readable signed document");
    }
    ClientId facility = ClientId.parse(a.facility().apply(claimed));
    List<X509Certificate> signers = facilitySigners(a, facility, envelope);
    // the envelope's own check: signer among the facility's certificates, valid now, signature
    T verified = envelope.verify(signers, clock.instant(), a.kind());
    if (!a.matches().test(verified, dossier)) {
      throw a.kind().refusal(what + " does not match the dossier (" + a.matchRule() + ")");
    }
    kept.put(a.numberVariable(), a.number().apply(verified));
    kept.put(a.facilityVariable(), a.facility().apply(verified));
  }

  private List<X509Certificate> facilitySigners(
      Attachment<?> a, ClientId facility, SignedDocument envelope) {
    Optional<Directory.Member> member = directory(false).member(facility);
    if (member.isEmpty() || !lists(member.get(), envelope)) {
      member = directory(true).member(facility); // a member or key published since
    }
    if (member.isEmpty()) {
      throw a.kind()
          .refusal(a.kind().what() + " names " + facility + ", not a member in the directory");
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
