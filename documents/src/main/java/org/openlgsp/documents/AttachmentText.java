package org.openlgsp.documents;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Writer;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.io.RandomAccessReadBuffer;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.apache.poi.hslf.usermodel.HSLFSlideShow;
import org.apache.poi.hssf.extractor.ExcelExtractor;
import org.apache.poi.hwpf.extractor.WordExtractor;
import org.apache.poi.openxml4j.opc.OPCPackage;
import org.apache.poi.poifs.filesystem.POIFSFileSystem;
import org.apache.poi.sl.extractor.SlideShowExtractor;
import org.apache.poi.xslf.extractor.XSLFExtractor;
import org.apache.poi.xslf.usermodel.XMLSlideShow;
import org.apache.poi.xssf.extractor.XSSFExcelExtractor;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.apache.poi.xwpf.extractor.XWPFWordExtractor;
import org.apache.poi.xwpf.usermodel.XWPFDocument;

/**
 * The text of PDF (Apache PDFBox), Office Open XML (.docx, .xlsx, .pptx; Apache POI) and legacy
 * binary Office (.doc: POI HWPF, .xls: POI HSSF, .ppt: POI HSLF) attachments, for the leak
 * detectors, within the bounds of {@link ExtractionLimits} (node.yaml {@code
 * documents.attachmentText}): decoded size, pages, characters of text and time of extraction; an
 * Office Open XML file's zip entries are first walked here against the limits on entries, inflated
 * size and inflation ratio (zip bombs), per extraction; and POI reads its XML without DTDs or
 * external entities. An attachment that cannot be read within them is {@link Unreadable} with its
 * reason, never taken as clean.
 *
 * <p>POI's own zip-bomb guards ({@code ZipSecureFile}) are static, JVM-wide settings, which this
 * class leaves at POI's defaults (ratio 1 %, 1,000 entries, 4 GiB per entry): they stay a backstop
 * behind the per-extraction walk, and no node setting changes them for other users of POI in the
 * same JVM (the statistics module's reports).
 */
final class AttachmentText {
  /** An inflated entry smaller than this is not held to the ratio (as POI's grace size). */
  private static final long RATIO_GRACE_BYTES = 100 * 1024;

  private AttachmentText() {}

  /** Formats whose text is extracted. */
  enum Format {
    PDF,
    DOCX,
    XLSX,
    PPTX,
    DOC,
    XLS,
    PPT
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
          case "application/msword" -> Optional.of(Format.DOC);
          case "application/vnd.ms-excel" -> Optional.of(Format.XLS);
          case "application/vnd.ms-powerpoint" -> Optional.of(Format.PPT);
          default -> Optional.empty();
        };
    if (byType.isPresent()
        || !(t.isEmpty()
            || t.equals("application/octet-stream")
            || t.equals("binary/octet-stream"))) {
      return byType;
    }
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    // each format's extension is its name: .pdf, .docx, … .doc, .xls, .ppt
    return java.util.Arrays.stream(Format.values())
        .filter(f -> n.endsWith("." + f.name().toLowerCase(Locale.ROOT)))
        .findFirst();
  }

  /**
   * Gives the text of {@code bytes} (of {@code format}) to {@code out}, in pieces, within {@code
   * limits}.
   */
  static void extract(
      Format format, byte[] bytes, ExtractionLimits limits, Consumer<CharSequence> out)
      throws Unreadable {
    long deadline = System.nanoTime() + limits.timeLimit().toNanos();
    try {
      switch (format) {
        case PDF -> pdf(bytes, limits, out, deadline);
        case DOCX, XLSX, PPTX -> {
          zipWithinLimits(bytes, limits, deadline);
          office(format, bytes, limits, out, deadline);
        }
        case DOC, XLS, PPT -> legacy(format, bytes, limits, out, deadline);
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

  private static void pdf(
      byte[] bytes, ExtractionLimits limits, Consumer<CharSequence> out, long deadline)
      throws IOException {
    try (PDDocument doc = Loader.loadPDF(new RandomAccessReadBuffer(bytes))) {
      if (doc.getNumberOfPages() > limits.maxPages()) {
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
      stripper.writeText(doc, new Sink(out, limits.maxChars(), deadline));
    }
  }

  /**
   * Walks the zip entries of an Office Open XML file as POI will read them (local headers, in
   * order), inflating each and counting: at most {@code maxEntries} entries, each inflating to at
   * most {@code maxEntryBytes} and, beyond a grace of 100 KiB, to no more than {@code 1 /
   * minInflateRatio} times its compressed size.
   */
  private static void zipWithinLimits(byte[] bytes, ExtractionLimits limits, long deadline)
      throws IOException {
    byte[] buf = new byte[16 * 1024];
    try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
      int entries = 0;
      for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
        if (++entries > limits.maxEntries()) {
          throw new Bounded(Reason.TOO_LARGE);
        }
        long inflated = 0;
        for (int n = zip.read(buf); n > 0; n = zip.read(buf)) {
          inflated += n;
          if (inflated > limits.maxEntryBytes()) {
            throw new Bounded(Reason.TOO_LARGE);
          }
          checkRatio(e.getCompressedSize(), inflated, limits);
        }
        checkRatio(e.getCompressedSize(), inflated, limits); // known now, even from a descriptor
        checkTime(deadline);
      }
    }
  }

  /** An entry of {@code compressed} bytes (-1: not known yet) inflated to {@code inflated}. */
  private static void checkRatio(long compressed, long inflated, ExtractionLimits limits) {
    if (compressed >= 0
        && inflated > RATIO_GRACE_BYTES
        && (double) compressed / inflated < limits.minInflateRatio()) {
      throw new Bounded(Reason.TOO_LARGE);
    }
  }

  /** .doc (HWPF), .xls (HSSF) and .ppt (HSLF): OLE2 files POI reads whole, then timed. */
  private static void legacy(
      Format format,
      byte[] bytes,
      ExtractionLimits limits,
      Consumer<CharSequence> out,
      long deadline)
      throws IOException {
    try (POIFSFileSystem fs = new POIFSFileSystem(new ByteArrayInputStream(bytes))) {
      checkTime(deadline);
      String text =
          switch (format) {
            case DOC -> {
              try (WordExtractor x = new WordExtractor(fs)) {
                x.setCloseFilesystem(false);
                yield x.getText();
              }
            }
            case XLS -> {
              try (ExcelExtractor x = new ExcelExtractor(fs)) {
                x.setCloseFilesystem(false);
                yield x.getText();
              }
            }
            default -> {
              try (SlideShowExtractor<?, ?> x =
                  new SlideShowExtractor<>(new HSLFSlideShow(fs.getRoot()))) {
                x.setCloseFilesystem(false);
                yield x.getText();
              }
            }
          };
      give(text, limits, out, deadline);
    }
  }

  private static void give(
      String text, ExtractionLimits limits, Consumer<CharSequence> out, long deadline) {
    checkTime(deadline);
    if (text.length() > limits.maxChars()) {
      throw new Bounded(Reason.TOO_MUCH_TEXT);
    }
    out.accept(text);
  }

  private static void office(
      Format format,
      byte[] bytes,
      ExtractionLimits limits,
      Consumer<CharSequence> out,
      long deadline)
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
      give(text, limits, out, deadline);
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
    private final long maxChars;
    private final long deadline;
    private long written;

    Sink(Consumer<CharSequence> out, long maxChars, long deadline) {
      this.out = out;
      this.maxChars = maxChars;
      this.deadline = deadline;
    }

    @Override
    public void write(char[] buf, int off, int len) {
      written += len;
      if (written > maxChars) {
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
