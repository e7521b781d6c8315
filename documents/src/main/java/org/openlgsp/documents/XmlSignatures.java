package org.openlgsp.documents;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import javax.xml.crypto.MarshalException;
import javax.xml.crypto.dsig.CanonicalizationMethod;
import javax.xml.crypto.dsig.DigestMethod;
import javax.xml.crypto.dsig.Reference;
import javax.xml.crypto.dsig.SignatureMethod;
import javax.xml.crypto.dsig.SignedInfo;
import javax.xml.crypto.dsig.Transform;
import javax.xml.crypto.dsig.XMLSignature;
import javax.xml.crypto.dsig.XMLSignatureException;
import javax.xml.crypto.dsig.XMLSignatureFactory;
import javax.xml.crypto.dsig.dom.DOMSignContext;
import javax.xml.crypto.dsig.dom.DOMValidateContext;
import javax.xml.crypto.dsig.keyinfo.KeyInfo;
import javax.xml.crypto.dsig.keyinfo.KeyInfoFactory;
import javax.xml.crypto.dsig.keyinfo.X509Data;
import javax.xml.crypto.dsig.spec.C14NMethodParameterSpec;
import javax.xml.crypto.dsig.spec.TransformParameterSpec;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Enveloped XML-DSig signatures of edXML packages (JDK {@code javax.xml.crypto}): one Reference to
 * the whole document ({@code URI=""}), placed in {@code edXMLHeader} as QCVN 102 packages do.
 */
public final class XmlSignatures {
  static final String DSIG = XMLSignature.XMLNS;
  private static final Logger LOG = Logger.getLogger(XmlSignatures.class.getName());
  private static final String RSA_SHA1 = "http://www.w3.org/2000/09/xmldsig#rsa-sha1";
  private static final Set<String> SIGNATURE_METHODS =
      Set.of(
          SignatureMethod.RSA_SHA256,
          SignatureMethod.ECDSA_SHA256,
          RSA_SHA1,
          "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512",
          "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384");
  private static final Set<String> TRANSFORMS =
      Set.of(
          Transform.ENVELOPED,
          CanonicalizationMethod.INCLUSIVE,
          CanonicalizationMethod.INCLUSIVE_WITH_COMMENTS,
          CanonicalizationMethod.EXCLUSIVE,
          CanonicalizationMethod.EXCLUSIVE_WITH_COMMENTS);

  private XmlSignatures() {}

  /** Signs a package DOM in place, replacing any signature it carried. */
  static void sign(Document doc, SigningKey key) {
    Element header = header(doc);
    removeSignatures(header);
    signInto(header, key, Optional.empty());
  }

  /**
   * Signs a package file too large for a DOM: the reference digest is computed by streaming the
   * file through the canonicaliser, the Signature is made on the package's skeleton (so SignedInfo
   * is canonicalised in the package's real namespace context), and {@code signed} is the file with
   * the Signature's bytes inserted at the end of {@code edXMLHeader} — every other byte unchanged.
   * Heap use does not grow with attachment size.
   *
   * @throws IllegalArgumentException if the package is already signed
   */
  public static void signStreaming(Path unsigned, Path signed, SigningKey key) {
    Document skeleton = StreamingPackages.skeleton(unsigned);
    Element header = header(skeleton);
    if (!signatures(header).isEmpty()) {
      throw new IllegalArgumentException("the package is already signed");
    }
    byte[] digest;
    try {
      digest =
          StreamingPackages.referenceDigest(
              unsigned,
              CanonicalizationMethod.EXCLUSIVE,
              List.of(),
              java.security.MessageDigest.getInstance("SHA-256"));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    Element signature = signInto(header, key, Optional.of(digest));
    StreamingPackages.insertAtHeaderEnd(unsigned, signed, SecureXml.serializeFragment(signature));
  }

  /**
   * Appends an enveloped signature to {@code header}: one whole-document reference (enveloped +
   * exclusive c14n, SHA-256), digested here unless {@code digest} is given.
   */
  private static Element signInto(Element header, SigningKey key, Optional<byte[]> digest) {
    try {
      XMLSignatureFactory f = XMLSignatureFactory.getInstance("DOM");
      DigestMethod sha256 = f.newDigestMethod(DigestMethod.SHA256, null);
      List<Transform> transforms =
          List.of(
              f.newTransform(Transform.ENVELOPED, (TransformParameterSpec) null),
              f.newTransform(CanonicalizationMethod.EXCLUSIVE, (TransformParameterSpec) null));
      // A given digest value marks the reference as digested: the JDK then signs without reading
      // the (skeleton) document it is attached to.
      Reference ref =
          digest.isPresent()
              ? f.newReference("", sha256, transforms, null, null, digest.get())
              : f.newReference("", sha256, transforms, null, null);
      String method =
          key.privateKey().getAlgorithm().equals("EC")
              ? SignatureMethod.ECDSA_SHA256
              : SignatureMethod.RSA_SHA256;
      SignedInfo si =
          f.newSignedInfo(
              f.newCanonicalizationMethod(
                  CanonicalizationMethod.INCLUSIVE, (C14NMethodParameterSpec) null),
              f.newSignatureMethod(method, null),
              List.of(ref));
      KeyInfoFactory kif = f.getKeyInfoFactory();
      List<Object> x509 = new ArrayList<>();
      x509.add(key.certificate().getSubjectX500Principal().getName());
      x509.add(key.certificate());
      x509.addAll(key.intermediates());
      X509Data data = kif.newX509Data(x509);
      KeyInfo ki = kif.newKeyInfo(List.of(data));
      DOMSignContext ctx = new DOMSignContext(key.privateKey(), header);
      ctx.setDefaultNamespacePrefix("ds");
      f.newXMLSignature(si, ki).sign(ctx);
      return signatures(header).getLast();
    } catch (GeneralSecurityException | MarshalException | XMLSignatureException e) {
      throw new IllegalStateException("cannot sign the package", e);
    }
  }

  /** Verifies the package's signature against the certificate it carries. */
  static SignatureCheck verify(Document doc) {
    return verify(doc, Optional.empty());
  }

  /**
   * Verifies a large package: the signature element is read from the skeleton (see {@link
   * StreamingPackages}), the reference digest is computed by streaming the stored file.
   */
  static SignatureCheck verifyStreaming(Document skeleton, java.nio.file.Path file) {
    return verifyStreaming(skeleton, PackageBody.of(file));
  }

  /** As {@link #verifyStreaming(Document, Path)}, the package opened as a stream. */
  static SignatureCheck verifyStreaming(Document skeleton, PackageBody body) {
    return verify(skeleton, Optional.of(body));
  }

  private static SignatureCheck verify(Document doc, Optional<PackageBody> streamed) {
    Element header = header(doc);
    List<Element> sigs = signatures(header);
    if (sigs.isEmpty()) {
      return SignatureCheck.absent();
    }
    List<String> warnings = new ArrayList<>();
    if (sigs.size() > 1) {
      return failed(List.of("more than one Signature element"), warnings);
    }
    Element sig = sigs.get(0);
    if (!DSIG.equals(sig.getNamespaceURI())) {
      // Some producers omit xmlns on Signature, putting it in the edXML namespace.
      warnings.add("Signature element was not in the XML-DSig namespace; read as if it were");
      sig = moveToDsig(doc, sig);
    }
    try {
      XMLSignatureFactory f = XMLSignatureFactory.getInstance("DOM");
      DOMValidateContext probe = new DOMValidateContext(new X509KeySelector(), sig);
      // Only reads the algorithms for the allow-list check below; nothing is verified with it.
      probe.setProperty("org.jcp.xml.dsig.secureValidation", false);
      XMLSignature xs = f.unmarshalXMLSignature(probe);
      List<String> shape = checkShape(xs.getSignedInfo(), warnings);
      if (!shape.isEmpty()) {
        return failed(shape, warnings);
      }
      X509KeySelector selector = new X509KeySelector();
      DOMValidateContext ctx = new DOMValidateContext(selector, sig);
      boolean legacy = RSA_SHA1.equals(xs.getSignedInfo().getSignatureMethod().getAlgorithm());
      // The JDK's secure validation refuses SHA-1 outright; the shape check above enforces the
      // same limits (one whole-document reference, allow-listed transforms) for legacy packages.
      ctx.setProperty("org.jcp.xml.dsig.secureValidation", !legacy);
      XMLSignature again = f.unmarshalXMLSignature(ctx);
      Reference ref = again.getSignedInfo().getReferences().get(0);
      boolean ok;
      boolean digestOk;
      if (streamed.isPresent()) {
        digestOk = streamedDigestMatches(ref, streamed.get());
        ok = again.getSignatureValue().validate(ctx) && digestOk;
      } else {
        ok = again.validate(ctx);
        digestOk = ok || ref.validate(ctx);
      }
      Optional<X509Certificate> signer = selector.certificate();
      List<X509Certificate> others = selector.others();
      if (!ok) {
        return new SignatureCheck(
            true,
            signer,
            others,
            List.of(
                digestOk
                    ? "signature value does not match the signer's certificate"
                    : "signature mismatch: the package content was changed after signing"),
            warnings);
      }
      if (legacy) {
        LOG.warning("accepted a legacy RSA-SHA1 signed package");
      }
      return new SignatureCheck(true, signer, others, List.of(), warnings);
    } catch (MarshalException e) {
      return failed(
          List.of(undecodableCertificate(sig).orElse("Signature element is malformed")), warnings);
    } catch (XMLSignatureException e) {
      return failed(List.of("signature could not be verified: " + reason(e)), warnings);
    }
  }

  private static boolean streamedDigestMatches(Reference ref, PackageBody file) {
    String c14n = CanonicalizationMethod.INCLUSIVE;
    List<String> prefixes = List.of();
    for (Object o : ref.getTransforms()) {
      Transform t = (Transform) o;
      if (!Transform.ENVELOPED.equals(t.getAlgorithm())) {
        c14n = t.getAlgorithm();
        if (t.getParameterSpec() instanceof javax.xml.crypto.dsig.spec.ExcC14NParameterSpec spec) {
          prefixes = List.copyOf(spec.getPrefixList());
        }
      }
    }
    String alg =
        switch (ref.getDigestMethod().getAlgorithm()) {
          case DigestMethod.SHA1 -> "SHA-1";
          case DigestMethod.SHA256 -> "SHA-256";
          case DigestMethod.SHA384 -> "SHA-384";
          case DigestMethod.SHA512 -> "SHA-512";
          default -> "";
        };
    if (alg.isEmpty()) {
      return false;
    }
    try {
      byte[] actual =
          StreamingPackages.referenceDigest(
              file, c14n, prefixes, java.security.MessageDigest.getInstance(alg));
      return java.security.MessageDigest.isEqual(actual, ref.getDigestValue());
    } catch (java.security.NoSuchAlgorithmException e) {
      return false;
    }
  }

  private static List<String> checkShape(SignedInfo si, List<String> warnings) {
    List<String> problems = new ArrayList<>();
    String method = si.getSignatureMethod().getAlgorithm();
    if (!SIGNATURE_METHODS.contains(method)) {
      problems.add("signature method " + method + " is not accepted");
    } else if (RSA_SHA1.equals(method)) {
      warnings.add("legacy RSA-SHA1 signature accepted; new packages must use RSA-SHA256 or ECDSA");
    }
    if (si.getReferences().size() != 1) {
      problems.add("signature must have exactly one Reference (URI=\"\")");
      return problems;
    }
    Reference ref = si.getReferences().get(0);
    if (ref.getURI() == null || !ref.getURI().isEmpty()) {
      problems.add("signature Reference must cover the whole package (URI=\"\")");
    }
    boolean enveloped = false;
    for (Object t : ref.getTransforms()) {
      String alg = ((Transform) t).getAlgorithm();
      enveloped |= Transform.ENVELOPED.equals(alg);
      if (!TRANSFORMS.contains(alg)) {
        problems.add("transform " + alg + " is not accepted");
      }
    }
    if (!enveloped) {
      problems.add("signature must be enveloped");
    }
    return problems;
  }

  /**
   * Why KeyInfo's certificate could not be read, when that is why the Signature element could not
   * be (the JDK reports both as one MarshalException). Real packages carry truncated placeholders
   * such as {@code MIIFqTCCBJG}.
   */
  private static Optional<String> undecodableCertificate(Element sig) {
    var certs = sig.getElementsByTagNameNS(DSIG, "X509Certificate");
    for (int i = 0; i < certs.getLength(); i++) {
      String text = certs.item(i).getTextContent().replaceAll("\\s", "");
      String where = "Signature KeyInfo/X509Data/X509Certificate[" + (i + 1) + "]";
      byte[] der;
      try {
        der = java.util.Base64.getDecoder().decode(text);
      } catch (IllegalArgumentException e) {
        return Optional.of(where + ": the signer's certificate is not base64");
      }
      try {
        java.security.cert.CertificateFactory.getInstance("X.509")
            .generateCertificate(new java.io.ByteArrayInputStream(der));
      } catch (java.security.cert.CertificateException e) {
        return Optional.of(
            where
                + ": the signer's certificate cannot be decoded as an X.509 certificate ("
                + der.length
                + " bytes)");
      }
    }
    return Optional.empty();
  }

  private static SignatureCheck failed(List<String> problems, List<String> warnings) {
    return new SignatureCheck(true, Optional.empty(), List.of(), problems, warnings);
  }

  private static String reason(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }

  private static Element header(Document doc) {
    Element header =
        EdxmlCodec.child(
            EdxmlCodec.child(doc.getDocumentElement(), "edXMLEnvelope"), "edXMLHeader");
    if (header == null) {
      throw new IllegalArgumentException("not an edXML package: no edXMLEnvelope/edXMLHeader");
    }
    return header;
  }

  private static List<Element> signatures(Element header) {
    List<Element> out = new ArrayList<>();
    for (Node c = header.getFirstChild(); c != null; c = c.getNextSibling()) {
      if (c instanceof Element e && "Signature".equals(e.getLocalName())) {
        out.add(e);
      }
    }
    return out;
  }

  private static void removeSignatures(Element header) {
    for (Element e : signatures(header)) {
      header.removeChild(e);
    }
  }

  private static Element moveToDsig(Document doc, Element e) {
    Element renamed = (Element) doc.renameNode(e, DSIG, e.getLocalName());
    NodeList children = renamed.getChildNodes();
    for (int i = 0; i < children.getLength(); i++) {
      if (children.item(i) instanceof Element c && Edxml.NS.equals(c.getNamespaceURI())) {
        moveToDsig(doc, c);
      }
    }
    return renamed;
  }

  /**
   * Picks the key of the end-entity certificate in KeyInfo/X509Data (the signer's) and remembers it
   * and the further certificates (intermediate CAs, for the signer's chain).
   */
  private static final class X509KeySelector extends javax.xml.crypto.KeySelector {
    private X509Certificate certificate;
    private final List<X509Certificate> others = new ArrayList<>();

    Optional<X509Certificate> certificate() {
      return Optional.ofNullable(certificate);
    }

    List<X509Certificate> others() {
      return List.copyOf(others);
    }

    @Override
    public javax.xml.crypto.KeySelectorResult select(
        KeyInfo keyInfo,
        Purpose purpose,
        javax.xml.crypto.AlgorithmMethod method,
        javax.xml.crypto.XMLCryptoContext context)
        throws javax.xml.crypto.KeySelectorException {
      List<X509Certificate> all = new ArrayList<>();
      if (keyInfo != null) {
        for (Object o : keyInfo.getContent()) {
          if (o instanceof X509Data data) {
            for (Object item : data.getContent()) {
              if (item instanceof X509Certificate cert && !all.contains(cert)) {
                all.add(cert);
              }
            }
          }
        }
      }
      if (!all.isEmpty()) {
        // The signer is the end-entity certificate; producers differ in where they put it.
        certificate =
            all.stream().filter(c -> c.getBasicConstraints() < 0).findFirst().orElse(all.get(0));
        others.clear();
        all.stream().filter(c -> !c.equals(certificate)).forEach(others::add);
        PublicKey key = certificate.getPublicKey();
        return () -> key;
      }
      throw new javax.xml.crypto.KeySelectorException("no X509Certificate in KeyInfo");
    }
  }
}
