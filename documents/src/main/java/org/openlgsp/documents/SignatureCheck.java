package org.openlgsp.documents;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * Outcome of checking a package's enveloped XML signature: {@code problems} empty means it
 * verified; {@code warnings} flag accepted but weak forms (legacy RSA-SHA1, signature outside its
 * namespace).
 */
public record SignatureCheck(
    boolean present,
    Optional<X509Certificate> signer,
    List<String> problems,
    List<String> warnings) {
  public SignatureCheck {
    problems = List.copyOf(problems);
    warnings = List.copyOf(warnings);
  }

  public boolean valid() {
    return present && problems.isEmpty();
  }

  static SignatureCheck absent() {
    return new SignatureCheck(false, Optional.empty(), List.of(), List.of());
  }
}
