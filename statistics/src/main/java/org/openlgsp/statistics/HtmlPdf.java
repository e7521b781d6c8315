package org.openlgsp.statistics;

import com.openhtmltopdf.pdfboxout.PdfRendererBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * PDF from a well-formed XHTML page by openhtmltopdf, with DejaVu Sans (regular and bold) embedded:
 * its glyphs cover Vietnamese (Bitstream Vera licence, {@code DejaVu-LICENSE.txt}). The monthly
 * report uses it, and the command line for the registry's breach notification report.
 */
public final class HtmlPdf {
  private static final String BASE = "/org/openlgsp/statistics/";

  private HtmlPdf() {}

  /** The PDF of {@code xhtml}, whose styles name the font family {@code 'DejaVu Sans'}. */
  public static byte[] render(String xhtml) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      PdfRendererBuilder b = new PdfRendererBuilder();
      b.useFastMode();
      b.useFont(
          () -> font("DejaVuSans.ttf"),
          "DejaVu Sans",
          400,
          PdfRendererBuilder.FontStyle.NORMAL,
          true);
      b.useFont(
          () -> font("DejaVuSans-Bold.ttf"),
          "DejaVu Sans",
          700,
          PdfRendererBuilder.FontStyle.NORMAL,
          true);
      b.withHtmlContent(xhtml, null);
      b.toStream(out);
      b.run();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static InputStream font(String name) {
    return Objects.requireNonNull(
        HtmlPdf.class.getResourceAsStream(BASE + name), "font " + name + " is bundled");
  }
}
