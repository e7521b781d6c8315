package org.openlgsp.documents;

import org.w3c.dom.Document;

/** Writes a package with an enveloped XML signature by the sending agency's key. */
public final class SignedPackages {
  private SignedPackages() {}

  public static byte[] sign(EdxmlPackage pkg, SigningKey key) {
    Document dom = EdxmlCodec.toDom(pkg);
    XmlSignatures.sign(dom, key);
    return SecureXml.serialize(dom);
  }
}
