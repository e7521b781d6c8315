package org.openlgsp.statistics;

import com.openhtmltopdf.pdfboxout.PdfRendererBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * PDF from well-formed (X)HTML by openhtmltopdf, with DejaVu Sans embedded (its glyphs cover
 * Vietnamese; Bitstream Vera licence, {@code DejaVu-LICENSE.txt}) as the family {@code DejaVu
 * Sans}: the PDF of the monthly report, the citizen data tracker and the breach notification.
 */
public final class PdfDocuments {
  private static final String BASE = "/org/openlgsp/statistics/";

  private PdfDocuments() {}

  /** {@code html} (XHTML: every element closed) rendered to PDF. */
  public static byte[] fromHtml(String html) {
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
      b.withHtmlContent(html, null);
      b.toStream(out);
      b.run();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static InputStream font(String name) {
    return Objects.requireNonNull(
        PdfDocuments.class.getResourceAsStream(BASE + name), "font " + name + " is bundled");
  }
}
