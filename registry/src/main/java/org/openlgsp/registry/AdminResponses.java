package org.openlgsp.registry;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Answer bodies of the admin API that are not directory entries ({@code Directory.Member} and the
 * like, {@link Registry.GrantEntry}, {@link Registry.AuditEntry}), shared by {@link
 * RegistryServer}, which writes them, and {@link RegistryClient}, which reads them.
 */
public final class AdminResponses {
  private AdminResponses() {}

  /** A member, node, system, service or grant was added under {@code id}. */
  public record Created(String id) {
    public Created {
      Objects.requireNonNull(id, "id");
    }
  }

  /** A signing or TLS certificate was published; its SHA-256 fingerprint, hex. */
  public record CertificateAdded(String fingerprint) {
    public CertificateAdded {
      Objects.requireNonNull(fingerprint, "fingerprint");
    }
  }

  /** How many CA certificates were imported as trust anchors. */
  public record TrustAnchorsAdded(int added) {}

  /** A trust anchor: the CA's subject and its certificate's SHA-256 fingerprint, hex. */
  public record TrustAnchor(String subject, String fingerprint) {
    public TrustAnchor {
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(fingerprint, "fingerprint");
    }
  }

  /** An enrolment after a submission ({@code pending}) or a rejection ({@code rejected}). */
  public record EnrolmentState(String id, String status) {
    public EnrolmentState {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(status, "status");
    }
  }

  /** An approved enrolment: the issued certificate's serial (hex) and its chain (PEM). */
  public record EnrolmentApproved(String id, String status, String serial, String certificate) {
    public EnrolmentApproved {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(serial, "serial");
      Objects.requireNonNull(certificate, "certificate");
    }
  }

  /**
   * An enrolment as listed. {@code decidedAt} and {@code serial} are left out of the JSON (null
   * here) until it is decided and a certificate issued; read them through {@link #decided()} and
   * {@link #certificateSerial()}.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record EnrolmentView(
      String id,
      String kind,
      String target,
      List<String> names,
      String status,
      Instant submittedAt,
      Instant decidedAt,
      String detail,
      String serial) {
    public EnrolmentView {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(target, "target");
      names = names == null ? List.of() : List.copyOf(names);
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(submittedAt, "submittedAt");
      Objects.requireNonNull(detail, "detail");
    }

    static EnrolmentView of(Enrolments.Enrolment e) {
      return new EnrolmentView(
          e.id(),
          e.kind(),
          e.target(),
          e.names(),
          e.status(),
          e.submittedAt(),
          e.decidedAt().orElse(null),
          e.detail(),
          e.certificateSerial().orElse(null));
    }

    public Optional<Instant> decided() {
      return Optional.ofNullable(decidedAt);
    }

    public Optional<String> certificateSerial() {
      return Optional.ofNullable(serial);
    }
  }

  /**
   * A daily summary taken ({@code POST /api/v1/federation/summaries/{instance}}): {@code stored}
   * false when one issued as late or later was already held for that day.
   */
  public record SummaryTaken(String instance, String day, boolean stored) {}
}
