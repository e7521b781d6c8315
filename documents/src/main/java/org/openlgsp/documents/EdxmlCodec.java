package org.openlgsp.documents;

import jakarta.xml.bind.JAXBContext;
import jakarta.xml.bind.JAXBException;
import jakarta.xml.bind.Marshaller;
import jakarta.xml.bind.Unmarshaller;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/** Reads and writes edXML packages: secure DOM parsing, then the Jakarta XML Binding. */
public final class EdxmlCodec {
  private static final JAXBContext DOCUMENTS = context(Edxml.DocumentRoot.class);
  private static final JAXBContext STATUSES = context(Edxml.StatusRoot.class);

  private EdxmlCodec() {}

  /** A package with the DOM it came from (its signature is verified on the DOM). */
  public record Parsed(EdxmlPackage pkg, Document dom) {}

  static Parsed parse(InputStream in) {
    Document dom = SecureXml.parse(in);
    return new Parsed(bind(dom), dom);
  }

  public static Parsed parse(byte[] xml) {
    return parse(new ByteArrayInputStream(xml));
  }

  /** Binds a parsed DOM, choosing document or status by the presence of a StatusCode. */
  static EdxmlPackage bind(Document dom) {
    Element root = dom.getDocumentElement();
    if (!Edxml.NS.equals(root.getNamespaceURI()) || !"edXML".equals(root.getLocalName())) {
      throw new LgspException(
          ErrorCode.DOCUMENT_UNSUPPORTED, "root element must be edXML in namespace " + Edxml.NS);
    }
    Element header = child(child(child(root, "edXMLEnvelope"), "edXMLHeader"), "MessageHeader");
    if (header == null) {
      throw new LgspException(
          ErrorCode.DOCUMENT_UNSUPPORTED, "package has no edXMLEnvelope/edXMLHeader/MessageHeader");
    }
    try {
      if (child(header, "StatusCode") != null) {
        Unmarshaller u = STATUSES.createUnmarshaller();
        return new StatusPackage(u.unmarshal(dom, Edxml.StatusRoot.class).getValue());
      }
      Unmarshaller u = DOCUMENTS.createUnmarshaller();
      return new DocumentPackage(u.unmarshal(dom, Edxml.DocumentRoot.class).getValue());
    } catch (JAXBException e) {
      throw new LgspException(
          ErrorCode.DOCUMENT_MALFORMED, "package does not match the edXML structure", e);
    }
  }

  /** The package as indented XML (signatures it carries are kept as they are). */
  public static byte[] write(EdxmlPackage pkg) {
    try {
      JAXBContext ctx = pkg instanceof StatusPackage ? STATUSES : DOCUMENTS;
      Object root =
          switch (pkg) {
            case DocumentPackage d -> d.root();
            case StatusPackage s -> s.root();
          };
      Marshaller m = ctx.createMarshaller();
      m.setProperty(Marshaller.JAXB_FORMATTED_OUTPUT, true);
      m.setProperty(Marshaller.JAXB_ENCODING, "UTF-8");
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      m.marshal(root, out);
      return out.toByteArray();
    } catch (JAXBException e) {
      throw new IllegalStateException("cannot write edXML", e);
    }
  }

  /** The package as a DOM, ready to be signed. */
  static Document toDom(EdxmlPackage pkg) {
    return SecureXml.parse(new ByteArrayInputStream(write(pkg)));
  }

  static Element child(Element parent, String localName) {
    if (parent == null) {
      return null;
    }
    for (Node c = parent.getFirstChild(); c != null; c = c.getNextSibling()) {
      if (c instanceof Element e
          && localName.equals(e.getLocalName())
          && Edxml.NS.equals(e.getNamespaceURI())) {
        return e;
      }
    }
    return null;
  }

  private static JAXBContext context(Class<?> type) {
    try {
      return JAXBContext.newInstance(type);
    } catch (JAXBException e) {
      throw new ExceptionInInitializerError(e);
    }
  }
}
