package org.openlgsp.documents;

import java.util.List;
import javax.xml.crypto.dsig.CanonicalizationMethod;
import javax.xml.crypto.dsig.DigestMethod;
import javax.xml.crypto.dsig.SignatureMethod;
import javax.xml.crypto.dsig.SignedInfo;
import javax.xml.crypto.dsig.Transform;
import javax.xml.crypto.dsig.XMLSignatureFactory;
import javax.xml.crypto.dsig.dom.DOMSignContext;
import javax.xml.crypto.dsig.spec.C14NMethodParameterSpec;
import javax.xml.crypto.dsig.spec.TransformParameterSpec;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** Makes the RSA-SHA1 signatures older document systems send, which production code never makes. */
final class LegacySigner {
  private LegacySigner() {}

  static void signRsaSha1(Document dom, SigningKey key) throws Exception {
    Element header =
        EdxmlCodec.child(
            EdxmlCodec.child(dom.getDocumentElement(), "edXMLEnvelope"), "edXMLHeader");
    XMLSignatureFactory f = XMLSignatureFactory.getInstance("DOM");
    SignedInfo si =
        f.newSignedInfo(
            f.newCanonicalizationMethod(
                CanonicalizationMethod.INCLUSIVE, (C14NMethodParameterSpec) null),
            f.newSignatureMethod(SignatureMethod.RSA_SHA1, null),
            List.of(
                f.newReference(
                    "",
                    f.newDigestMethod(DigestMethod.SHA1, null),
                    List.of(f.newTransform(Transform.ENVELOPED, (TransformParameterSpec) null)),
                    null,
                    null)));
    var kif = f.getKeyInfoFactory();
    var ki = kif.newKeyInfo(List.of(kif.newX509Data(List.of(key.certificate()))));
    f.newXMLSignature(si, ki).sign(new DOMSignContext(key.privateKey(), header));
  }
}
