package org.openlgsp.documents;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/** The shared edXML samples and helpers to compare XML by content. */
final class Samples {
  private Samples() {}

  static byte[] read(String name) {
    try (InputStream in = Samples.class.getResourceAsStream("/samples/" + name)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Every leaf element as "namespace|path = trimmed text", and every attribute, sorted: equal lists
   * mean the same content whatever the prefixes, indentation and sibling order.
   */
  static List<String> leaves(Element root) {
    List<String> out = new ArrayList<>();
    collect(root, "", out);
    out.sort(null);
    return out;
  }

  private static void collect(Element e, String path, List<String> out) {
    String here = path + "/{" + e.getNamespaceURI() + "}" + e.getLocalName();
    var attrs = e.getAttributes();
    for (int i = 0; i < attrs.getLength(); i++) {
      Node a = attrs.item(i);
      if (!"http://www.w3.org/2000/xmlns/".equals(a.getNamespaceURI())) {
        out.add(here + "@" + a.getLocalName() + "=" + a.getNodeValue());
      }
    }
    boolean leaf = true;
    for (Node c = e.getFirstChild(); c != null; c = c.getNextSibling()) {
      if (c instanceof Element child) {
        leaf = false;
        collect(child, here, out);
      }
    }
    if (leaf) {
      out.add(here + " = " + e.getTextContent().trim());
    }
  }
}
