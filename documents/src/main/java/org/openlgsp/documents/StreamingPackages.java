package org.openlgsp.documents;

import com.ctc.wstx.api.WstxInputProperties;
import com.ctc.wstx.stax.WstxInputFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.apache.xml.security.exceptions.XMLSecurityException;
import org.apache.xml.security.stax.ext.Transformer;
import org.apache.xml.security.stax.ext.stax.XMLSecEvent;
import org.apache.xml.security.stax.ext.stax.XMLSecEventFactory;
import org.apache.xml.security.stax.ext.stax.XMLSecStartElement;
import org.apache.xml.security.stax.impl.transformer.canonicalizer.Canonicalizer20010315_Excl;
import org.apache.xml.security.stax.impl.transformer.canonicalizer.Canonicalizer20010315_ExclOmitCommentsTransformer;
import org.apache.xml.security.stax.impl.transformer.canonicalizer.Canonicalizer20010315_OmitCommentsTransformer;
import org.codehaus.stax2.XMLStreamReader2;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Reads packages too large for a DOM in bounded memory, in two streaming passes over the stored
 * file (Woodstox, DTDs refused, text delivered in segments):
 *
 * <ol>
 *   <li>a <em>skeleton</em> DOM of everything except attachment contents — the envelope with
 *       headers, signature and manifest, and each attachment's small fields — which is bound and
 *       validated like any package, while each {@code ContentTransferEncoded} is only checked to be
 *       base64;
 *   <li>the signature's reference digest: the document minus its Signature element (the enveloped
 *       transform), canonicalised as the reference says by Santuario's streaming canonicalisers,
 *       into the digest.
 * </ol>
 *
 * The SignedInfo itself is small and is verified on the skeleton, whose ancestors carry the same
 * namespace declarations as the original.
 */
final class StreamingPackages {
  /** Text kept in the skeleton (headers, manifest, attachment names) is bounded. */
  static final int MAX_SKELETON_CHARS = 4 * 1024 * 1024;

  private static final XMLInputFactory FACTORY = factory();

  private StreamingPackages() {}

  /**
   * The skeleton DOM. Each streamed attachment content is replaced by {@code ""} when it was valid
   * base64 and by {@code "!"} when not, so {@link Validation} reports it as for a DOM package.
   */
  static Document skeleton(Path file) {
    return skeleton(PackageBody.of(file));
  }

  /** As {@link #skeleton(Path)}, from a package opened as a stream (one encrypted at rest). */
  static Document skeleton(PackageBody body) {
    try (InputStream in = body.open()) {
      XMLStreamReader r = FACTORY.createXMLStreamReader(in);
      try {
        return skeleton(r);
      } finally {
        r.close();
      }
    } catch (XMLStreamException e) {
      throw malformed(e);
    } catch (IOException e) {
      throw new LgspException(ErrorCode.DOCUMENT_MALFORMED, "package could not be read", e);
    }
  }

  private static Document skeleton(XMLStreamReader r) throws XMLStreamException {
    Document dom;
    try {
      dom = SecureXml.factory().newDocumentBuilder().newDocument();
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException(e);
    }
    Deque<Node> stack = new ArrayDeque<>();
    stack.push(dom);
    long budget = MAX_SKELETON_CHARS;
    boolean inContent = false;
    boolean contentValid = true;
    while (r.hasNext()) {
      int event = r.next();
      switch (event) {
        case XMLStreamConstants.DTD ->
            throw new LgspException(
                ErrorCode.DOCUMENT_MALFORMED,
                "package refused: DOCTYPE declarations are not allowed");
        case XMLStreamConstants.START_ELEMENT -> {
          if (stack.size() > SecureXml.MAX_DEPTH) {
            throw new LgspException(
                ErrorCode.DOCUMENT_MALFORMED,
                "package refused: elements nested deeper than " + SecureXml.MAX_DEPTH);
          }
          Element e = element(dom, r);
          stack.peek().appendChild(e);
          stack.push(e);
          inContent = isAttachmentContent(stack);
          contentValid = true;
        }
        case XMLStreamConstants.END_ELEMENT -> {
          if (inContent) {
            ((Element) stack.peek()).setTextContent(contentValid ? "" : "!");
            inContent = false;
          }
          stack.pop();
        }
        case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
          if (stack.peek() == dom) {
            continue;
          }
          if (inContent) {
            contentValid &= isBase64(r.getTextCharacters(), r.getTextStart(), r.getTextLength());
          } else {
            budget -= r.getTextLength();
            if (budget < 0) {
              throw new LgspException(
                  ErrorCode.DOCUMENT_MALFORMED,
                  "package refused: more than "
                      + MAX_SKELETON_CHARS
                      + " characters outside attachments");
            }
            stack.peek().appendChild(dom.createTextNode(r.getText()));
          }
        }
        case XMLStreamConstants.PROCESSING_INSTRUCTION ->
            throw new LgspException(
                ErrorCode.DOCUMENT_MALFORMED,
                "package refused: processing instructions are not allowed in large packages");
        default -> {
          // comments and the document end carry nothing for the binding
        }
      }
    }
    return dom;
  }

  private static Element element(Document dom, XMLStreamReader r) {
    String ns = r.getNamespaceURI();
    String prefix = r.getPrefix();
    String qname =
        prefix == null || prefix.isEmpty() ? r.getLocalName() : prefix + ":" + r.getLocalName();
    Element e = dom.createElementNS(ns == null || ns.isEmpty() ? null : ns, qname);
    for (int i = 0; i < r.getNamespaceCount(); i++) {
      String p = r.getNamespacePrefix(i);
      String uri = r.getNamespaceURI(i);
      if (p == null || p.isEmpty()) {
        e.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns", uri == null ? "" : uri);
      } else {
        e.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:" + p, uri);
      }
    }
    for (int i = 0; i < r.getAttributeCount(); i++) {
      String ans = r.getAttributeNamespace(i);
      String ap = r.getAttributePrefix(i);
      String an =
          ap == null || ap.isEmpty()
              ? r.getAttributeLocalName(i)
              : ap + ":" + r.getAttributeLocalName(i);
      e.setAttributeNS(ans == null || ans.isEmpty() ? null : ans, an, r.getAttributeValue(i));
    }
    return e;
  }

  /** True for edXML/AttachmentEncoded/Attachment/ContentTransferEncoded. */
  private static boolean isAttachmentContent(Deque<Node> stack) {
    if (stack.size() != 5) {
      return false;
    }
    Node[] path = stack.toArray(new Node[0]); // innermost first
    return "ContentTransferEncoded".equals(path[0].getLocalName())
        && "Attachment".equals(path[1].getLocalName())
        && "AttachmentEncoded".equals(path[2].getLocalName())
        && Edxml.NS.equals(path[2].getNamespaceURI());
  }

  private static boolean isBase64(char[] text, int start, int length) {
    for (int i = start; i < start + length; i++) {
      if (!Validation.isBase64(text[i])) {
        return false;
      }
    }
    return true;
  }

  /**
   * The digest of the whole document minus the Signature child of {@code edXMLHeader} (the
   * enveloped-signature transform), canonicalised with {@code c14n}.
   */
  static byte[] referenceDigest(
      Path file, String c14n, List<String> inclusivePrefixes, MessageDigest digest) {
    return referenceDigest(PackageBody.of(file), c14n, inclusivePrefixes, digest);
  }

  static byte[] referenceDigest(
      PackageBody body, String c14n, List<String> inclusivePrefixes, MessageDigest digest) {
    DigestOutputStream out = new DigestOutputStream(OutputStream.nullOutputStream(), digest);
    try (InputStream in = body.open()) {
      Transformer canon = canonicaliser(c14n, inclusivePrefixes);
      canon.setOutputStream(out);
      XMLStreamReader r = FACTORY.createXMLStreamReader(in);
      try {
        stream(r, canon);
      } finally {
        r.close();
      }
      canon.doFinal();
      return digest.digest();
    } catch (XMLStreamException e) {
      throw malformed(e);
    } catch (IOException | XMLSecurityException e) {
      throw new IllegalStateException("cannot digest the package", e);
    }
  }

  private static void stream(XMLStreamReader r, Transformer canon) throws XMLStreamException {
    Deque<XMLSecStartElement> parents = new ArrayDeque<>();
    Deque<String> path = new ArrayDeque<>();
    int skipDepth = 0;
    while (r.hasNext()) {
      int event = r.next();
      if (event == XMLStreamConstants.DTD) {
        throw new LgspException(
            ErrorCode.DOCUMENT_MALFORMED, "package refused: DOCTYPE declarations are not allowed");
      }
      if (skipDepth > 0) {
        if (event == XMLStreamConstants.START_ELEMENT) {
          skipDepth++;
        } else if (event == XMLStreamConstants.END_ELEMENT) {
          skipDepth--;
        }
        continue;
      }
      if (event == XMLStreamConstants.START_ELEMENT) {
        path.addLast(r.getLocalName());
        if (isEnvelopedSignature(path)) {
          path.removeLast();
          skipDepth = 1;
          continue;
        }
      }
      if (parents.isEmpty() && event != XMLStreamConstants.START_ELEMENT) {
        continue; // outside the root: whitespace and comments are not part of the c14n output
      }
      XMLSecEvent e = XMLSecEventFactory.allocate(r, parents.peek());
      canon.transform(e);
      if (event == XMLStreamConstants.START_ELEMENT) {
        parents.push(e.asStartElement());
      } else if (event == XMLStreamConstants.END_ELEMENT) {
        parents.pop();
        path.removeLast();
      }
    }
  }

  /**
   * Writes {@code in} to {@code out} with {@code insert} placed just before the end tag of {@code
   * edXML/edXMLEnvelope/edXMLHeader}; all other bytes are copied unchanged.
   */
  static void insertAtHeaderEnd(Path in, Path out, byte[] insert) {
    long at = headerEndByteOffset(in);
    try (FileChannel src = FileChannel.open(in, StandardOpenOption.READ);
        FileChannel dst =
            FileChannel.open(
                out,
                StandardOpenOption.WRITE,
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
      copy(src, 0, at, dst);
      dst.write(java.nio.ByteBuffer.wrap(insert));
      copy(src, at, src.size() - at, dst);
      dst.force(true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + out, e);
    }
  }

  private static void copy(FileChannel src, long from, long count, FileChannel dst)
      throws IOException {
    long done = 0;
    while (done < count) {
      done += src.transferTo(from + done, count - done, dst);
    }
  }

  /** The byte offset of the {@code '<'} of edXMLHeader's end tag. */
  private static long headerEndByteOffset(Path file) {
    long chars = -1;
    try (InputStream in = Files.newInputStream(file)) {
      XMLStreamReader2 r = (XMLStreamReader2) FACTORY.createXMLStreamReader(in);
      try {
        int depth = 0;
        boolean inEnvelope = false;
        while (r.hasNext() && chars < 0) {
          int event = r.next();
          if (event == XMLStreamConstants.DTD) {
            throw new LgspException(
                ErrorCode.DOCUMENT_MALFORMED,
                "package refused: DOCTYPE declarations are not allowed");
          }
          if (event == XMLStreamConstants.START_ELEMENT) {
            depth++;
            inEnvelope |= depth == 2 && r.getLocalName().equals("edXMLEnvelope");
          } else if (event == XMLStreamConstants.END_ELEMENT) {
            if (depth == 3 && inEnvelope && r.getLocalName().equals("edXMLHeader")) {
              // Woodstox counts UTF-16 units of the input, not bytes.
              chars = r.getLocationInfo().getStartingCharOffset();
            }
            if (depth == 2) {
              inEnvelope = false;
            }
            depth--;
          }
        }
      } finally {
        r.close();
      }
    } catch (XMLStreamException e) {
      throw malformed(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (chars < 0) {
      throw new IllegalArgumentException("not an edXML package: no edXMLEnvelope/edXMLHeader");
    }
    return byteOffset(file, chars);
  }

  /** Where the {@code chars}-th UTF-16 unit of a UTF-8 file starts, checked to be an end tag. */
  private static long byteOffset(Path file, long chars) {
    try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file))) {
      long bytes = 0;
      long units = 0;
      int b = in.read();
      if (b == 0xEF) { // a byte order mark is not counted as input by the reader
        in.skipNBytes(2);
        bytes = 3;
        b = in.read();
      }
      while (units < chars && b >= 0) {
        int length = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
        units += length == 4 ? 2 : 1;
        bytes += length;
        in.skipNBytes(length - 1);
        b = in.read();
      }
      if (b != '<' || in.read() != '/') {
        throw new IllegalStateException("edXMLHeader end tag not found where the parser saw it");
      }
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean isEnvelopedSignature(Deque<String> path) {
    if (path.size() != 4) {
      return false;
    }
    String[] p = path.toArray(new String[0]);
    return p[1].equals("edXMLEnvelope") && p[2].equals("edXMLHeader") && p[3].equals("Signature");
  }

  private static Transformer canonicaliser(String algorithm, List<String> inclusivePrefixes)
      throws XMLSecurityException {
    Transformer t;
    if (algorithm.startsWith("http://www.w3.org/2001/10/xml-exc-c14n#")) {
      t = new Canonicalizer20010315_ExclOmitCommentsTransformer();
      t.setProperties(
          Map.of(Canonicalizer20010315_Excl.INCLUSIVE_NAMESPACES_PREFIX_LIST, inclusivePrefixes));
    } else {
      // URI="" already leaves comments out, so the with-comments variants output the same.
      t = new Canonicalizer20010315_OmitCommentsTransformer();
    }
    return t;
  }

  private static LgspException malformed(XMLStreamException e) {
    String why = e.getMessage() == null ? "" : e.getMessage();
    String shown =
        why.contains("depth")
            ? "elements nested too deeply"
            : why.contains("ttribute")
                ? "an attribute is too long or there are too many"
                : e.getLocation() != null
                    ? "not well-formed XML at line " + e.getLocation().getLineNumber()
                    : "not well-formed XML";
    return new LgspException(ErrorCode.DOCUMENT_MALFORMED, "package refused: " + shown, e);
  }

  /** The hardened Woodstox reader the streaming passes use (no DTD, bounded depth). */
  static XMLStreamReader reader(InputStream in) throws XMLStreamException {
    return FACTORY.createXMLStreamReader(in);
  }

  private static XMLInputFactory factory() {
    WstxInputFactory f = new WstxInputFactory();
    f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
    f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
    f.setProperty(XMLInputFactory.IS_COALESCING, false);
    f.setProperty(WstxInputProperties.P_MIN_TEXT_SEGMENT, 256);
    f.setProperty(WstxInputProperties.P_MAX_ELEMENT_DEPTH, SecureXml.MAX_DEPTH);
    f.setProperty(WstxInputProperties.P_MAX_ATTRIBUTE_SIZE, SecureXml.MAX_ATTRIBUTE_CHARS);
    f.setProperty(WstxInputProperties.P_MAX_ATTRIBUTES_PER_ELEMENT, 64);
    f.setProperty(WstxInputProperties.P_MAX_TEXT_LENGTH, Integer.MAX_VALUE);
    f.setProperty(WstxInputProperties.P_MAX_ENTITY_COUNT, 1);
    return f;
  }
}
