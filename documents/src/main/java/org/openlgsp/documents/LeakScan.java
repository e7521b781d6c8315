package org.openlgsp.documents;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
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
 * size is scanned in bounded memory. PDF, Office Open XML and legacy Office (.doc, .xls, .ppt)
 * attachments are decoded (up to {@link ExtractionLimits#maxBytes}) and their text extracted within
 * the bounds of {@link ExtractionLimits}; one that cannot be read so is reported as unreadable,
 * never as clean. Other attachments (images, archives) cannot be scanned: they are counted, and the
 * route's {@link DocumentLeaks.Unscannable} policy decides what they get. Contact fields
 * (organisations' telephone and e-mail, StaffInfo) are routing data the format requires and are not
 * scanned.
 */
public final class LeakScan {
  /** Decoded text scanned at once; a window is cut at the last whitespace before this. */
  static final int WINDOW_CHARS = 64 * 1024;

  private LeakScan() {}

  /**
   * What a scan found: the detectors that matched, how many attachments were scanned, how many were
   * not (not a format whose text is read: images, archives) and how many could not be read safely
   * (a PDF or Office file that is damaged, encrypted or beyond the bounds of {@link
   * AttachmentText}), with their reasons.
   */
  public record Findings(
      Set<LeakDetectors.Kind> found,
      int attachmentsScanned,
      int attachmentsSkipped,
      List<String> unreadable) {
    public Findings {
      found = Set.copyOf(found);
      unreadable = List.copyOf(unreadable);
    }

    public Findings(Set<LeakDetectors.Kind> found, int attachmentsScanned, int attachmentsSkipped) {
      this(found, attachmentsScanned, attachmentsSkipped, List.of());
    }
  }

  /**
   * Runs {@code kinds} over {@code pkg} (bound from {@code file}) and the text-like attachments in
   * {@code file}; nothing is masked.
   */
  public static Findings scan(DocumentPackage pkg, Path file, Set<LeakDetectors.Kind> kinds) {
    return scan(pkg, PackageBody.of(file), kinds, ExtractionLimits.DEFAULTS);
  }

  /**
   * Runs {@code kinds} over a status package: its free text ({@code Description}) and the text of
   * any extension elements of its header. A status carries no attachments.
   */
  static Findings scan(StatusPackage status, Set<LeakDetectors.Kind> kinds) {
    Set<LeakDetectors.Kind> found = EnumSet.noneOf(LeakDetectors.Kind.class);
    List<String> texts = new ArrayList<>();
    texts.add(Objects.toString(status.header().description, ""));
    status.root().envelope.header.any.forEach(e -> texts.add(e.getTextContent()));
    for (String text : texts) {
      if (text != null && !text.isEmpty()) {
        LeakDetectors.scan(text, kinds, Set.of(), found);
      }
    }
    return new Findings(found, 0, 0);
  }

  /**
   * As {@link #scan(DocumentPackage, Path, Set)}, the package opened as a stream, extracting
   * attachments within {@code limits}.
   */
  static Findings scan(
      DocumentPackage pkg,
      PackageBody file,
      Set<LeakDetectors.Kind> kinds,
      ExtractionLimits limits) {
    Set<LeakDetectors.Kind> found = EnumSet.noneOf(LeakDetectors.Kind.class);
    Set<LeakDetectors.Kind> none = Set.of();
    for (String text : headerText(pkg)) {
      LeakDetectors.scan(text, kinds, none, found);
    }
    List<Edxml.Attachment> attachments = pkg.attachments();
    Read[] plan = new Read[attachments.size()];
    int read = 0;
    for (int i = 0; i < plan.length; i++) {
      Edxml.Attachment a = attachments.get(i);
      String type = contentType(pkg, a);
      plan[i] =
          isTextLike(type)
              ? Read.TEXT
              : AttachmentText.format(type, a.attachmentName).map(Read::of).orElse(Read.NONE);
      read += plan[i] == Read.NONE ? 0 : 1;
    }
    List<String> unreadable = new ArrayList<>();
    if (read > 0) {
      attachmentText(file, plan, limits, new Windows(kinds, found), unreadable);
    }
    return new Findings(found, read - unreadable.size(), plan.length - read, unreadable);
  }

  /** How an attachment is read: as UTF-8 text, through a document format's extractor, or not. */
  private enum Read {
    TEXT,
    PDF,
    DOCX,
    XLSX,
    PPTX,
    DOC,
    XLS,
    PPT,
    NONE;

    static Read of(AttachmentText.Format f) {
      return valueOf(f.name());
    }
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

  /**
   * Feeds the decoded text of the attachments {@code plan} reads to {@code out}; those that cannot
   * be read safely are added to {@code unreadable} ({@code attachment N: REASON}).
   */
  private static void attachmentText(
      PackageBody file,
      Read[] plan,
      ExtractionLimits limits,
      Windows out,
      List<String> unreadable) {
    try (InputStream in = file.open()) {
      XMLStreamReader r = StreamingPackages.reader(in);
      try {
        int depth = 0;
        int attachment = -1;
        boolean inEncoded = false;
        Base64Text content = null;
        Base64Bytes document = null;
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
                && attachment < plan.length
                && plan[attachment] != Read.NONE) {
              if (plan[attachment] == Read.TEXT) {
                content = new Base64Text(out);
              } else {
                document = new Base64Bytes(limits.maxBytes());
              }
            }
          } else if (event == XMLStreamConstants.END_ELEMENT) {
            if (content != null && depth == 4) {
              content.finish();
              content = null;
            }
            if (document != null && depth == 4) {
              Read how = plan[attachment];
              try {
                AttachmentText.extract(
                    AttachmentText.Format.valueOf(how.name()),
                    document.bytes(),
                    limits,
                    out::append);
                out.flush();
              } catch (AttachmentText.Unreadable e) {
                out.flush();
                unreadable.add("attachment " + (attachment + 1) + ": " + e.reason);
              }
              document = null;
            }
            if (depth == 2) {
              inEncoded = false;
            }
            depth--;
          } else if (content != null
              && (event == XMLStreamConstants.CHARACTERS || event == XMLStreamConstants.CDATA)) {
            content.feed(r.getTextCharacters(), r.getTextStart(), r.getTextLength());
          } else if (document != null
              && (event == XMLStreamConstants.CHARACTERS || event == XMLStreamConstants.CDATA)) {
            document.feed(r.getTextCharacters(), r.getTextStart(), r.getTextLength());
          }
        }
      } finally {
        r.close();
      }
    } catch (XMLStreamException | IOException e) {
      throw new LgspException(ErrorCode.DOCUMENT_MALFORMED, "package could not be read", e);
    }
  }

  /**
   * Base64 characters in, the decoded bytes kept for an extractor, up to {@link
   * ExtractionLimits#maxBytes}: beyond, the rest is not kept and {@link #bytes()} says so.
   */
  private static final class Base64Bytes {
    private final long maxBytes;
    private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    private final StringBuilder quads = new StringBuilder();
    private boolean tooLarge;
    private boolean malformed;

    Base64Bytes(long maxBytes) {
      this.maxBytes = maxBytes;
    }

    void feed(char[] text, int start, int length) {
      if (tooLarge || malformed) {
        return;
      }
      for (int i = start; i < start + length; i++) {
        char c = text[i];
        if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
          quads.append(c);
        }
      }
      if (quads.length() >= 8192) {
        decode(quads.length() - quads.length() % 4);
      }
    }

    private void decode(int whole) {
      try {
        bytes.writeBytes(Base64.getDecoder().decode(quads.substring(0, whole)));
      } catch (IllegalArgumentException e) {
        malformed = true;
      }
      quads.delete(0, whole);
      if (bytes.size() > maxBytes) {
        tooLarge = true;
        bytes.reset();
      }
    }

    byte[] bytes() throws AttachmentText.Unreadable {
      if (!tooLarge && !malformed) {
        decode(quads.length());
      }
      if (tooLarge) {
        throw new AttachmentText.Unreadable(AttachmentText.Reason.TOO_LARGE, null);
      }
      if (malformed) {
        throw new AttachmentText.Unreadable(AttachmentText.Reason.MALFORMED, null);
      }
      return bytes.toByteArray();
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
