package org.openlgsp.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Random;
import org.openlgsp.core.AgencyCode;
import org.openlgsp.documents.DocumentPackage;
import org.openlgsp.documents.Packages;
import org.openlgsp.documents.SignedPackages;
import org.openlgsp.documents.SigningKey;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.pki.CertificateProfile;
import org.openlgsp.pki.KeyPairs;
import org.openlgsp.pki.Pem;
import org.openlgsp.testkit.Federation;

/**
 * Writes a signed package from the province to the Government Office with one attachment of the
 * given size. Signing builds a DOM, so run it with a large heap, apart from what is measured:
 * {@code java -Xmx3g … BuildLargePackage FILE MiB}.
 */
public final class BuildLargePackage {
  private BuildLargePackage() {}

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    int mib = Integer.parseInt(args[1]);
    CertificateAuthority ca = CertificateAuthority.createRoot("Benchmark CA", Duration.ofDays(1));
    KeyPair pair = KeyPairs.ecP256();
    X509Certificate cert =
        ca.issue(
            CertificateProfile.MEMBER_SIGNING,
            Federation.PROVINCE.value(),
            "UBND tỉnh Nghệ An",
            pair.getPublic(),
            List.of(),
            Duration.ofDays(1));
    write(file, mib, new SigningKey(pair.getPrivate(), cert));
    // The axes must trust this CA to accept the package: DocumentBenchmark reads it from here.
    Files.writeString(Path.of(file + ".ca.pem"), Pem.write(ca.certificate()));
    System.out.println("wrote " + Files.size(file) + " bytes to " + file);
  }

  static void write(Path file, int mib, SigningKey key) throws Exception {
    byte[] content = new byte[mib << 20];
    new Random(1).nextBytes(content);
    DocumentPackage big =
        Packages.document(
            new Packages.NewDocument(
                Federation.PROVINCE,
                "UBND tỉnh Nghệ An",
                List.of(AgencyCode.parse(Federation.GOVERNMENT_OFFICE.value())),
                "9999999",
                "UBND-BENCH",
                LocalDate.now(),
                "Bản đồ quy hoạch tỉnh",
                "Gửi kèm bản đồ quy hoạch",
                "Người ký"),
            Instant.now());
    Packages.attach(big, "ban-do-quy-hoach.tif", "image/tiff", content);
    Files.write(file, SignedPackages.sign(big, key));
  }
}
