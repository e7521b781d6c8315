package org.openlgsp.documents;

import java.util.List;

/**
 * What a sender gets once its package is stored durably: the axis id of the package, the document
 * it concerns and where it goes. {@code duplicate} is true when the same package had already been
 * accepted (the original receipt is returned). {@code warnings} are the deviations from QCVN 102
 * the axis tolerated in this package (empty on a duplicate's receipt: they are not stored). {@code
 * leaks} are the leak detectors' findings its routes alert on ({@code detector:alert}, e.g. {@code
 * cccd:alert}; never the matched text), also kept with the package.
 */
public record Receipt(
    String packageId,
    String kind,
    String documentId,
    String businessType,
    String sha256,
    long receivedAt,
    List<String> recipients,
    boolean duplicate,
    List<ValidationWarning> warnings,
    List<String> leaks) {
  public Receipt {
    recipients = List.copyOf(recipients);
    warnings = warnings == null ? List.of() : List.copyOf(warnings); // absent from older axes
    leaks = leaks == null ? List.of() : List.copyOf(leaks); // absent from older axes
  }

  /** A receipt without warnings or leak findings. */
  public Receipt(
      String packageId,
      String kind,
      String documentId,
      String businessType,
      String sha256,
      long receivedAt,
      List<String> recipients,
      boolean duplicate) {
    this(
        packageId,
        kind,
        documentId,
        businessType,
        sha256,
        receivedAt,
        recipients,
        duplicate,
        List.of(),
        List.of());
  }

  Receipt withFindings(List<ValidationWarning> more, List<String> leakFindings) {
    return new Receipt(
        packageId,
        kind,
        documentId,
        businessType,
        sha256,
        receivedAt,
        recipients,
        duplicate,
        more,
        leakFindings);
  }
}
