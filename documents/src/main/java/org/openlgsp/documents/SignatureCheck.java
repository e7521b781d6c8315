package org.openlgsp.documents;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Outcome of checking a package's enveloped XML signature: {@code problems} empty means it verified
 * (and, after {@link SignerTrust}, that its signer is trusted); {@code others} are the further
 * certificates KeyInfo carried (intermediate CAs); {@code warnings} flag accepted but weak forms
 * (legacy RSA-SHA1, signature outside its namespace).
 */
record SignatureCheck(
    boolean present,
    Optional<X509Certificate> signer,
    List<X509Certificate> others,
    List<String> problems,
    List<String> warnings) {
  public SignatureCheck {
    others = List.copyOf(others);
    problems = List.copyOf(problems);
    warnings = List.copyOf(warnings);
  }

  public boolean valid() {
    return present && problems.isEmpty();
  }

  SignatureCheck withProblems(List<String> more) {
    List<String> all = new ArrayList<>(problems);
    all.addAll(more);
    return new SignatureCheck(present, signer, others, all, warnings);
  }

  static SignatureCheck absent() {
    return new SignatureCheck(false, Optional.empty(), List.of(), List.of(), List.of());
  }
}
