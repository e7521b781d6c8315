package org.openlgsp.documents;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * Hardened XML parsing for packages from outside: no DOCTYPE at all (so no external entities and no
 * entity expansion), no XInclude, bounded element depth and attribute size. Refusals are {@code
 * document.malformed} problems that never echo the input.
 */
final class SecureXml {
  /** edXML nests about 8 levels; a signature adds a few. */
  static final int MAX_DEPTH = 64;

  /** edXML attributes are short (version, xlink:href, algorithm URIs). */
  static final int MAX_ATTRIBUTE_CHARS = 8 * 1024;

  private SecureXml() {}

  static Document parse(InputStream in) {
    try {
      DocumentBuilder builder = factory().newDocumentBuilder();
      builder.setErrorHandler(SILENT);
      builder.setEntityResolver(
          (publicId, systemId) -> {
            throw new SAXException("external entities are not allowed");
          });
      Document doc = builder.parse(in);
      checkAttributes(doc.getDocumentElement(), 0);
      return doc;
    } catch (SAXException e) {
      throw malformed(e);
    } catch (IOException e) {
      throw new LgspException(ErrorCode.DOCUMENT_MALFORMED, "package could not be read", e);
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("XML parser lacks a required security feature", e);
    }
  }

  static DocumentBuilderFactory factory() throws ParserConfigurationException {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    f.setFeature("http://xml.org/sax/features/external-general-entities", false);
    f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
    f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
    f.setAttribute("jdk.xml.maxElementDepth", String.valueOf(MAX_DEPTH));
    f.setAttribute("jdk.xml.entityExpansionLimit", "0");
    f.setAttribute("jdk.xml.elementAttributeLimit", "64");
    f.setXIncludeAware(false);
    f.setExpandEntityReferences(false);
    return f;
  }

  private static void checkAttributes(Node node, int depth) {
    NamedNodeMap attrs = node.getAttributes();
    if (attrs != null) {
      for (int i = 0; i < attrs.getLength(); i++) {
        if (((Attr) attrs.item(i)).getValue().length() > MAX_ATTRIBUTE_CHARS) {
          throw new LgspException(
              ErrorCode.DOCUMENT_MALFORMED,
              "package refused: an attribute is longer than " + MAX_ATTRIBUTE_CHARS + " chars");
        }
      }
    }
    for (Node c = node.getFirstChild(); c != null; c = c.getNextSibling()) {
      if (c.getNodeType() == Node.ELEMENT_NODE) {
        checkAttributes(c, depth + 1);
      }
    }
  }

  private static LgspException malformed(SAXException e) {
    String why = e.getMessage() == null ? "not well-formed" : e.getMessage();
    if (why.contains("DOCTYPE")) {
      why = "DOCTYPE declarations are not allowed";
    } else if (why.contains("maxElementDepth")) {
      why = "elements nested deeper than " + MAX_DEPTH;
    } else if (e instanceof SAXParseException p) {
      why = "not well-formed XML at line " + p.getLineNumber() + ", column " + p.getColumnNumber();
    } else {
      why = "not well-formed XML";
    }
    return new LgspException(ErrorCode.DOCUMENT_MALFORMED, "package refused: " + why, e);
  }

  static byte[] serialize(Document doc) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    serialize(doc, out);
    return out.toByteArray();
  }

  /** An element alone, UTF-8, no XML declaration (for insertion into a document's bytes). */
  static byte[] serializeFragment(org.w3c.dom.Element element) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    transform(element, out, true);
    return out.toByteArray();
  }

  static void serialize(Document doc, OutputStream out) {
    transform(doc, out, false);
  }

  private static void transform(org.w3c.dom.Node node, OutputStream out, boolean fragment) {
    try {
      TransformerFactory tf = TransformerFactory.newInstance();
      tf.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      tf.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
      tf.setAttribute(XMLConstants.ACCESS_EXTERNAL_STYLESHEET, "");
      Transformer t = tf.newTransformer();
      t.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
      if (fragment) {
        t.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
      }
      t.transform(new DOMSource(node), new StreamResult(out));
    } catch (TransformerException e) {
      throw new IllegalStateException("cannot serialise XML", e);
    }
  }

  private static final ErrorHandler SILENT =
      new ErrorHandler() {
        @Override
        public void warning(SAXParseException e) {}

        @Override
        public void error(SAXParseException e) throws SAXException {
          throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXException {
          throw e;
        }
      };
}
