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
import org.openlgsp.pki.Pem;

/**
 * A signed 100 MB package is accepted, verified and stored by an axis whose JVM has a 64 MiB heap:
 * attachments never sit in memory on the accepting side.
 */
class LargePackageHeapTest {
  @TempDir Path dir;

  @Test
  void hundredMegabytePackageIsAcceptedWithA64MibHeap() throws Exception {
    DocumentPackage doc = TestKeys.document("100MB");
    byte[] content = new byte[75 * 1024 * 1024];
    new Random(3).nextBytes(content);
    Packages.attach(doc, "ban-do-quy-hoach.tif", "image/tiff", content);
    content = null;
    Path file =
        Files.write(dir.resolve("large.edxml"), SignedPackages.sign(doc, TestKeys.ec("UBND")));
    doc = null;
    assertThat(Files.size(file)).isGreaterThan(100L * 1000 * 1000);

    Path anchor = Files.writeString(dir.resolve("ca.pem"), Pem.write(TestKeys.CA.certificate()));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                java,
                "-Xmx64m",
                "-cp",
                System.getProperty("java.class.path"),
                LargePackageProbe.class.getName(),
                file.toString(),
                dir.resolve("data").toString(),
                anchor.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();

    assertThat(p.exitValue()).as(out).isZero();
    Matcher m =
        Pattern.compile("ACCEPTED .* size=(\\d+) stored=(\\d+) peakHeapMiB=(\\d+)").matcher(out);
    assertThat(m.find()).as(out).isTrue();
    assertThat(Long.parseLong(m.group(1))).isEqualTo(Files.size(file));
    assertThat(Long.parseLong(m.group(2))).isEqualTo(Files.size(file));
    System.out.println(
        "large package: "
            + Files.size(file)
            + " bytes accepted by a -Xmx64m axis; "
            + out.lines().filter(l -> l.startsWith("ACCEPTED")).findFirst().orElse(""));
  }
}
