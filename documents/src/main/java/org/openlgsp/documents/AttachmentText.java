package org.openlgsp.documents;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Writer;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.io.RandomAccessReadBuffer;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.apache.poi.openxml4j.opc.OPCPackage;
import org.apache.poi.openxml4j.util.ZipSecureFile;
import org.apache.poi.xslf.extractor.XSLFExtractor;
import org.apache.poi.xslf.usermodel.XMLSlideShow;
import org.apache.poi.xssf.extractor.XSSFExcelExtractor;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.apache.poi.xwpf.extractor.XWPFWordExtractor;
import org.apache.poi.xwpf.usermodel.XWPFDocument;

/**
 * The text of PDF (Apache PDFBox) and Office Open XML (.docx, .xlsx, .pptx; Apache POI)
 * attachments, for the leak detectors, within bounds: at most {@link #MAX_BYTES} of attachment,
 * {@link #MAX_PAGES} pages, {@link #MAX_CHARS} characters of text and {@link #TIME} of extraction;
 * an Office file's zip entries must not inflate more than {@link #MIN_INFLATE_RATIO} allows (zip
 * bombs) and POI reads its XML without DTDs or external entities. An attachment that cannot be read
 * within them is {@link Unreadable} with its reason, never taken as clean.
 */
final class AttachmentText {
  static final int MAX_BYTES = 16 * 1024 * 1024;
  static final int MAX_PAGES = 2_000;
  static final int MAX_CHARS = 10_000_000;
  static final Duration TIME = Duration.ofSeconds(20);
  static final double MIN_INFLATE_RATIO = 0.01;

  static {
    // POI's zip-bomb guards are JVM-wide; only this class reads Office files on a node
    ZipSecureFile.setMinInflateRatio(MIN_INFLATE_RATIO);
    ZipSecureFile.setMaxEntrySize(4L * MAX_BYTES);
    ZipSecureFile.setMaxTextSize(MAX_CHARS);
  }

  private AttachmentText() {}

  /** Formats whose text is extracted. */
  enum Format {
    PDF,
    DOCX,
    XLSX,
    PPTX
  }

  /** Why an attachment could not be read; in the receipt as {@code unreadable:ACTION}. */
  enum Reason {
    TOO_LARGE,
    TOO_MANY_PAGES,
    TOO_MUCH_TEXT,
    TIMEOUT,
    ENCRYPTED,
    MALFORMED
  }

  /** An attachment whose text could not be read safely. */
  static final class Unreadable extends Exception {
    final Reason reason;

    Unreadable(Reason reason, Throwable cause) {
      super(reason.name(), cause, false, false);
      this.reason = reason;
    }
  }

  /**
   * The format of an attachment from its content type, else (for a generic one) the extension of
   * its name; empty when it is not one this class reads.
   */
  static Optional<Format> format(String contentType, String name) {
    String t = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    Optional<Format> byType =
        switch (t) {
          case "application/pdf" -> Optional.of(Format.PDF);
          case "application/vnd.openxmlformats-officedocument.wordprocessingml.document" ->
              Optional.of(Format.DOCX);
          case "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" ->
              Optional.of(Format.XLSX);
          case "application/vnd.openxmlformats-officedocument.presentationml.presentation" ->
              Optional.of(Format.PPTX);
          default -> Optional.empty();
        };
    if (byType.isPresent()
        || !(t.isEmpty()
            || t.equals("application/octet-stream")
            || t.equals("binary/octet-stream"))) {
      return byType;
    }
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    if (n.endsWith(".pdf")) {
      return Optional.of(Format.PDF);
    } else if (n.endsWith(".docx")) {
      return Optional.of(Format.DOCX);
    } else if (n.endsWith(".xlsx")) {
      return Optional.of(Format.XLSX);
    } else if (n.endsWith(".pptx")) {
      return Optional.of(Format.PPTX);
    }
    return Optional.empty();
  }

  /** Gives the text of {@code bytes} (of {@code format}) to {@code out}, in pieces. */
  static void extract(Format format, byte[] bytes, Consumer<CharSequence> out) throws Unreadable {
    long deadline = System.nanoTime() + TIME.toNanos();
    try {
      switch (format) {
        case PDF -> pdf(bytes, out, deadline);
        case DOCX, XLSX, PPTX -> office(format, bytes, out, deadline);
      }
    } catch (Bounded e) {
      throw new Unreadable(e.reason, null);
    } catch (org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException
        | org.apache.poi.EncryptedDocumentException e) {
      throw new Unreadable(Reason.ENCRYPTED, e);
    } catch (IOException | RuntimeException | StackOverflowError e) {
      // a damaged or hostile file: PDFBox and POI throw many kinds for it
      if (e.getMessage() != null && e.getMessage().contains("Zip bomb")) {
        throw new Unreadable(Reason.TOO_LARGE, e);
      }
      throw new Unreadable(Reason.MALFORMED, e);
    }
  }

  private static void pdf(byte[] bytes, Consumer<CharSequence> out, long deadline)
      throws IOException {
    try (PDDocument doc = Loader.loadPDF(new RandomAccessReadBuffer(bytes))) {
      if (doc.getNumberOfPages() > MAX_PAGES) {
        throw new Bounded(Reason.TOO_MANY_PAGES);
      }
      PDFTextStripper stripper =
          new PDFTextStripper() {
            @Override
            protected void startPage(org.apache.pdfbox.pdmodel.PDPage page) throws IOException {
              checkTime(deadline);
              super.startPage(page);
            }
          };
      stripper.writeText(doc, new Sink(out, deadline));
    }
  }

  private static void office(Format format, byte[] bytes, Consumer<CharSequence> out, long deadline)
      throws IOException {
    try (OPCPackage pkg = OPCPackage.open(new ByteArrayInputStream(bytes))) {
      checkTime(deadline);
      String text =
          switch (format) {
            case DOCX -> {
              try (XWPFWordExtractor x = new XWPFWordExtractor(new XWPFDocument(pkg))) {
                x.setCloseFilesystem(false);
                yield x.getText();
              }
            }
            case XLSX -> {
              try (XSSFExcelExtractor x = new XSSFExcelExtractor(new XSSFWorkbook(pkg))) {
                x.setCloseFilesystem(false);
                yield x.getText();
              }
            }
            default -> {
              try (XSLFExtractor x = new XSLFExtractor(new XMLSlideShow(pkg))) {
                x.setCloseFilesystem(false);
                yield x.getText();
              }
            }
          };
      checkTime(deadline);
      if (text.length() > MAX_CHARS) {
        throw new Bounded(Reason.TOO_MUCH_TEXT);
      }
      out.accept(text);
    } catch (org.apache.poi.openxml4j.exceptions.InvalidFormatException e) {
      throw new IOException("not an Office Open XML package", e);
    }
  }

  private static void checkTime(long deadline) {
    if (System.nanoTime() - deadline > 0) {
      throw new Bounded(Reason.TIMEOUT);
    }
  }

  /** A bound crossed while extracting. */
  private static final class Bounded extends RuntimeException {
    final Reason reason;

    Bounded(Reason reason) {
      super(reason.name(), null, false, false);
      this.reason = reason;
    }
  }

  /** The stripper's output, passed on as it comes, counted and timed. */
  private static final class Sink extends Writer {
    private final Consumer<CharSequence> out;
    private final long deadline;
    private long written;

    Sink(Consumer<CharSequence> out, long deadline) {
      this.out = out;
      this.deadline = deadline;
    }

    @Override
    public void write(char[] buf, int off, int len) {
      written += len;
      if (written > MAX_CHARS) {
        throw new Bounded(Reason.TOO_MUCH_TEXT);
      }
      checkTime(deadline);
      out.accept(java.nio.CharBuffer.wrap(buf, off, len));
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }
}
