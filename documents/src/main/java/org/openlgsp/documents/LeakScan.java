package org.openlgsp.documents;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LeakDetectors;
import org.openlgsp.core.LgspException;

/**
 * Runs leak detectors over a document package: its free-text header fields (Subject, Content,
 * Appendixes, the business reason, attachment descriptions) and the text of its text-like
 * attachments ({@code text/*}, {@code application/xml}, {@code application/json}, {@code +xml},
 * {@code +json}; read as UTF-8). The attachments are read from the package file by streaming (a
 * Woodstox pass decoding base64 as it comes), in windows cut at whitespace, so a package of any
 * size is scanned in bounded memory. Other attachments (PDF, Office, images) are not scanned and
 * counted as such. Contact fields (organisations' telephone and e-mail, StaffInfo) are routing data
 * the format requires and are not scanned.
 */
public final class LeakScan {
  /** Decoded text scanned at once; a window is cut at the last whitespace before this. */
  static final int WINDOW_CHARS = 64 * 1024;

  private LeakScan() {}

  /** What a scan found: the detectors that matched and how many attachments were not read. */
  public record Findings(
      Set<LeakDetectors.Kind> found, int attachmentsScanned, int attachmentsSkipped) {
    public Findings {
      found = Set.copyOf(found);
    }
  }

  /**
   * Runs {@code kinds} over {@code pkg} (bound from {@code file}) and the text-like attachments in
   * {@code file}; nothing is masked.
   */
  public static Findings scan(DocumentPackage pkg, Path file, Set<LeakDetectors.Kind> kinds) {
    Set<LeakDetectors.Kind> found = EnumSet.noneOf(LeakDetectors.Kind.class);
    Set<LeakDetectors.Kind> none = Set.of();
    for (String text : headerText(pkg)) {
      LeakDetectors.scan(text, kinds, none, found);
    }
    List<Edxml.Attachment> attachments = pkg.attachments();
    boolean[] textLike = new boolean[attachments.size()];
    int scanned = 0;
    for (int i = 0; i < textLike.length; i++) {
      textLike[i] = isTextLike(contentType(pkg, attachments.get(i)));
      scanned += textLike[i] ? 1 : 0;
    }
    if (scanned > 0) {
      attachmentText(file, textLike, new Windows(kinds, found));
    }
    return new Findings(found, scanned, attachments.size() - scanned);
  }

  private static List<String> headerText(DocumentPackage pkg) {
    List<String> out = new ArrayList<>();
    Edxml.DocumentHeader h = pkg.header();
    out.add(Objects.toString(h.subject, ""));
    out.add(Objects.toString(h.content, ""));
    if (h.otherInfo != null && h.otherInfo.appendixes != null) {
      out.addAll(h.otherInfo.appendixes);
    }
    pkg.business().ifPresent(b -> out.add(Objects.toString(b.bussinessDocReason, "")));
    pkg.attachments().forEach(a -> out.add(Objects.toString(a.description, "")));
    out.removeIf(s -> s == null || s.isEmpty());
    return out;
  }

  /** The attachment's own ContentType, else its manifest Reference's. */
  private static String contentType(DocumentPackage pkg, Edxml.Attachment a) {
    if (a.contentType != null && !a.contentType.isBlank()) {
      return a.contentType;
    }
    Edxml.Manifest m = pkg.root().envelope.body == null ? null : pkg.root().envelope.body.manifest;
    if (m == null || a.contentId == null) {
      return "";
    }
    String id = a.contentId.trim();
    return m.references.stream()
        .filter(r -> r.contentId != null && r.contentId.trim().replaceFirst("^cid:", "").equals(id))
        .map(r -> Objects.toString(r.contentType, ""))
        .findFirst()
        .orElse("");
  }

  /** text/*, application/xml, application/json and any +xml or +json type. */
  static boolean isTextLike(String contentType) {
    String t = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    return t.startsWith("text/")
        || t.equals("application/xml")
        || t.equals("application/json")
        || t.endsWith("+xml")
        || t.endsWith("+json");
  }

  /** Feeds the decoded text of the attachments marked in {@code textLike} to {@code out}. */
  private static void attachmentText(Path file, boolean[] textLike, Windows out) {
    try (InputStream in = Files.newInputStream(file)) {
      XMLStreamReader r = StreamingPackages.reader(in);
      try {
        int depth = 0;
        int attachment = -1;
        boolean inEncoded = false;
        Base64Text content = null;
        while (r.hasNext()) {
          int event = r.next();
          if (event == XMLStreamConstants.START_ELEMENT) {
            depth++;
            String name = r.getLocalName();
            if (depth == 2 && name.equals("AttachmentEncoded")) {
              inEncoded = true;
            } else if (inEncoded && depth == 3 && name.equals("Attachment")) {
              attachment++;
            } else if (inEncoded
                && depth == 4
                && name.equals("ContentTransferEncoded")
                && attachment < textLike.length
                && textLike[attachment]) {
              content = new Base64Text(out);
            }
          } else if (event == XMLStreamConstants.END_ELEMENT) {
            if (content != null && depth == 4) {
              content.finish();
              content = null;
            }
            if (depth == 2) {
              inEncoded = false;
            }
            depth--;
          } else if (content != null
              && (event == XMLStreamConstants.CHARACTERS || event == XMLStreamConstants.CDATA)) {
            content.feed(r.getTextCharacters(), r.getTextStart(), r.getTextLength());
          }
        }
      } finally {
        r.close();
      }
    } catch (XMLStreamException | IOException e) {
      throw new LgspException(ErrorCode.DOCUMENT_MALFORMED, "package could not be read", e);
    }
  }

  /** Base64 characters in, UTF-8 decoded text out to the windows, in bounded pieces. */
  private static final class Base64Text {
    private final Windows out;
    private final char[] quad = new char[4 * 2048];
    private int n;
    private final CharsetDecoder utf8 =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    private ByteBuffer pending = ByteBuffer.allocate(0);
    private final CharBuffer chars = CharBuffer.allocate(8 * 1024);

    Base64Text(Windows out) {
      this.out = out;
    }

    void feed(char[] text, int start, int length) {
      for (int i = start; i < start + length; i++) {
        char c = text[i];
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
          continue;
        }
        quad[n++] = c;
        if (n == quad.length) {
          decode(false);
        }
      }
    }

    void finish() {
      decode(true);
      out.flush();
    }

    private void decode(boolean last) {
      int whole = last ? n : n - n % 4;
      byte[] bytes;
      try {
        bytes = Base64.getDecoder().decode(new String(quad, 0, whole));
      } catch (IllegalArgumentException e) {
        // validation already refused non-base64 content; a bad tail is not text to scan
        bytes = new byte[0];
      }
      System.arraycopy(quad, whole, quad, 0, n - whole);
      n -= whole;
      ByteBuffer in = ByteBuffer.allocate(pending.remaining() + bytes.length);
      in.put(pending).put(bytes).flip();
      while (true) {
        var result = utf8.decode(in, chars, last);
        chars.flip();
        out.append(chars);
        chars.clear();
        if (!result.isOverflow()) {
          break;
        }
      }
      if (last) {
        utf8.flush(chars);
        chars.flip();
        out.append(chars);
        chars.clear();
      }
      pending = in.slice();
    }
  }

  /**
   * Decoded text scanned in windows of about {@link #WINDOW_CHARS}, each cut after whitespace so no
   * identifier is split (a mark with a space, "TUYỆT MẬT", may be cut, but its "MẬT" is found by
   * the same detector). The whitespace stays at the head of the next window as its boundary.
   */
  private static final class Windows {
    private final Set<LeakDetectors.Kind> kinds;
    private final Set<LeakDetectors.Kind> found;
    private final StringBuilder text = new StringBuilder();

    Windows(Set<LeakDetectors.Kind> kinds, Set<LeakDetectors.Kind> found) {
      this.kinds = kinds;
      this.found = found;
    }

    void append(CharSequence s) {
      text.append(s);
      if (text.length() >= WINDOW_CHARS) {
        int cut = text.length() - 1;
        while (cut > 0 && !Character.isWhitespace(text.charAt(cut))) {
          cut--;
        }
        if (cut == 0 && text.length() < 16 * WINDOW_CHARS) {
          return; // no whitespace yet: wait for more, up to a bound
        }
        int end = cut == 0 ? text.length() : cut;
        LeakDetectors.scan(text.substring(0, end), kinds, Set.of(), found);
        text.delete(0, end);
      }
    }

    void flush() {
      if (!text.isEmpty()) {
        LeakDetectors.scan(text.toString(), kinds, Set.of(), found);
        text.setLength(0);
      }
    }
  }
}
