package org.openlgsp.documents;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 100 MB package is signed by streaming (the sender's side) and accepted, verified and stored by
 * an axis, all in a JVM with a 64 MiB heap: attachments never sit in memory on either side.
 */
class LargePackageHeapTest {
  @TempDir Path dir;

  @Test
  void hundredMegabytePackageIsSignedAndAcceptedWithA64MibHeap() throws Exception {
    DocumentPackage doc = TestKeys.document("100MB");
    byte[] content = new byte[75 * 1024 * 1024];
    new Random(3).nextBytes(content);
    Packages.attach(doc, "ban-do-quy-hoach.tif", "image/tiff", content);
    content = null;
    Path file = Files.write(dir.resolve("large.edxml"), EdxmlCodec.write(doc));
    doc = null;
    assertThat(Files.size(file)).isGreaterThan(100L * 1000 * 1000);

    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                java,
                "-Xmx64m",
                "-cp",
                System.getProperty("java.class.path"),
                LargePackageProbe.class.getName(),
                file.toString(),
                dir.resolve("data").toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();

    assertThat(p.exitValue()).as(out).isZero();
    Matcher m =
        Pattern.compile("ACCEPTED .* unsigned=(\\d+) size=(\\d+) stored=(\\d+) peakHeapMiB=(\\d+)")
            .matcher(out);
    assertThat(m.find()).as(out).isTrue();
    assertThat(Long.parseLong(m.group(1))).isEqualTo(Files.size(file));
    long signed = Long.parseLong(m.group(2));
    // the signed package is the unsigned one plus a Signature of a few KB
    assertThat(signed).isBetween(Files.size(file) + 500, Files.size(file) + 20_000);
    assertThat(Long.parseLong(m.group(3))).isEqualTo(signed);
    System.out.println(
        "large package: "
            + Files.size(file)
            + " bytes signed by streaming and accepted in a -Xmx64m JVM; "
            + out.lines().filter(l -> l.startsWith("ACCEPTED")).findFirst().orElse(""));
  }
}
