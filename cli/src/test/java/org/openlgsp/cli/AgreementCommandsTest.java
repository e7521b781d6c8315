package org.openlgsp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Digests;
import org.openlgsp.node.NodeConfig;
import org.openlgsp.node.RegistryNode;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.pki.CertificateProfile;
import org.openlgsp.pki.Credentials;
import org.openlgsp.pki.Pem;

/**
 * {@code lgsp registry agreement draft|sign|countersign|show} (docs/federation.md, "The
 * agreement"): the file the commands produce is what a registry node starts with as {@code
 * registry.federation.peers[].agreement}; a countersignature by a key the agreement does not pin, a
 * tampered file, a file one party has not signed and an expired agreement are refused.
 */
class AgreementCommandsTest {
  @TempDir Path dir;
  final CertificateAuthority ca = CertificateAuthority.createRoot("Test Root", Duration.ofDays(1));

  @Test
  void aDraftSignedAndCountersignedIsShownAndAcceptedByARegistryNode() throws Exception {
    Path ndxp = registry("VN-NDXP", signer("registry VN-NDXP"), true);
    Path tayNinh = registry("VN-TAYNINH", signer("registry VN-TAYNINH"), false);
    Path draft = draft(Instant.now().minusSeconds(60), Instant.now().plus(Duration.ofDays(30)));

    CommandRun signed = sign(draft, ndxp, dir.resolve("signed.json"));
    CommandRun countersigned =
        countersign(dir.resolve("signed.json"), tayNinh, dir.resolve("agreement.json"));
    CommandRun shown = show(dir.resolve("agreement.json"));

    assertThat(signed.exit()).as(signed.err()).isZero();
    assertThat(countersigned.exit()).as(countersigned.err()).isZero();
    assertThat(shown.exit()).as(shown.err()).isZero();
    assertThat(shown.out())
        .contains("agreement ndxp-tayninh")
        .containsPattern("signed by VN-NDXP: .*CN=registry VN-NDXP")
        .containsPattern("signed by VN-TAYNINH: .*CN=registry VN-TAYNINH")
        .contains("VN-NDXP exports to VN-TAYNINH")
        .contains("service GOV/000.00.00.G01/POPULATION/citizens")
        .contains("client  VN-TAYNINH/GOV/000.00.00.H53")
        .contains("VN-TAYNINH exports to VN-NDXP")
        .contains("service GOV");
    try (RegistryNode node =
        RegistryNode.start(
            "VN-NDXP",
            NodeConfig.read(ndxp).registry().orElseThrow(),
            dir,
            new PrintStream(OutputStream.nullOutputStream()))) {
      HttpResponse<String> catalogue =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(
                              "http://127.0.0.1:"
                                  + node.port()
                                  + "/federation/VN-TAYNINH/catalogue"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(catalogue.statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aCountersignatureByAKeyTheAgreementDoesNotPinIsRefused() throws Exception {
    Path ndxp = registry("VN-NDXP", signer("registry VN-NDXP"), false);
    registry("VN-TAYNINH", signer("registry VN-TAYNINH"), false);
    Path impostor = registry("VN-TAYNINH", signer("someone else"), false, "impostor");
    Path draft = draft(Instant.now().minusSeconds(60), Instant.now().plus(Duration.ofDays(30)));
    assertThat(sign(draft, ndxp, dir.resolve("signed.json")).exit()).isZero();

    CommandRun refused =
        countersign(dir.resolve("signed.json"), impostor, dir.resolve("agreement.json"));
    CommandRun notAParty =
        sign(draft, registry("VN-LAOCAI", signer("registry VN-LAOCAI"), false), dir.resolve("x"));

    assertThat(refused.exit()).isEqualTo(2);
    assertThat(refused.err().strip())
        .startsWith("lgsp: ")
        .contains("is not the one agreement ndxp-tayninh pins for VN-TAYNINH")
        .doesNotContain("\n");
    assertThat(dir.resolve("agreement.json")).doesNotExist();
    assertThat(notAParty.exit()).isEqualTo(2);
    assertThat(notAParty.err()).contains("VN-LAOCAI is not a party to agreement ndxp-tayninh");
  }

  @Test
  void aTamperedAHalfSignedAndAnExpiredAgreementAreRefusedByShow() throws Exception {
    Path ndxp = registry("VN-NDXP", signer("registry VN-NDXP"), false);
    Path tayNinh = registry("VN-TAYNINH", signer("registry VN-TAYNINH"), false);
    Path good = signedAgreement(ndxp, tayNinh, Instant.now().plus(Duration.ofDays(30)), "good");
    Path expired = signedAgreement(ndxp, tayNinh, Instant.now().minusSeconds(30), "expired");
    Path tampered = dir.resolve("tampered.json");
    String json = Files.readString(good);
    String payload = json.replaceAll("(?s).*\"payload\"\\s*:\\s*\"([^\"]+)\".*", "$1");
    String changed =
        new String(Base64.getDecoder().decode(payload), StandardCharsets.UTF_8)
            .replace("000.00.00.H53", "000.00.00.H99");
    Files.writeString(
        tampered,
        json.replace(
            payload, Base64.getEncoder().encodeToString(changed.getBytes(StandardCharsets.UTF_8))));

    CommandRun tamperedShown = show(tampered);
    CommandRun halfSigned = show(dir.resolve("signed-good.json"));
    CommandRun expiredShown = show(expired);
    CommandRun draftShown = show(dir.resolve("draft.json"));

    assertThat(show(good).exit()).isZero();
    assertThat(tamperedShown.exit()).isEqualTo(2);
    assertThat(tamperedShown.err()).contains("federation.agreement_invalid", "does not verify");
    assertThat(halfSigned.exit()).isEqualTo(2);
    assertThat(halfSigned.err()).contains("VN-TAYNINH has not signed agreement ndxp-tayninh");
    assertThat(expiredShown.exit()).isEqualTo(2);
    assertThat(expiredShown.err()).contains("federation.agreement_invalid", "is valid from");
    assertThat(draftShown.exit()).isEqualTo(2);
    assertThat(draftShown.err()).contains("federation.agreement_invalid");
    for (CommandRun r : List.of(tamperedShown, halfSigned, expiredShown, draftShown)) {
      assertThat(r.out()).isEmpty();
      assertThat(r.err().strip()).doesNotContain("\n").doesNotContain("Exception");
    }
  }

  @Test
  void aDraftWithOnePartyAStrangerAsExporterOrAMalformedSelectorIsRefused() throws Exception {
    registry("VN-NDXP", signer("registry VN-NDXP"), false);
    registry("VN-TAYNINH", signer("registry VN-TAYNINH"), false);
    String ndxp = "VN-NDXP=" + dir.resolve("VN-NDXP-signing.pem");
    String tayNinh = "VN-TAYNINH=" + dir.resolve("VN-TAYNINH-signing.pem");
    String notAfter = Instant.now().plus(Duration.ofDays(1)).toString();
    Path out = dir.resolve("draft.json");

    CommandRun onlyOne =
        CommandRun.run(
            "registry",
            "agreement",
            "draft",
            "--id",
            "a",
            "--party",
            ndxp,
            "--not-after",
            notAfter,
            "--out",
            out.toString());
    CommandRun stranger =
        CommandRun.run(
            "registry",
            "agreement",
            "draft",
            "--id",
            "a",
            "--party",
            ndxp,
            "--party",
            tayNinh,
            "--service",
            "VN-LAOCAI=GOV",
            "--not-after",
            notAfter,
            "--out",
            out.toString());
    CommandRun malformed =
        CommandRun.run(
            "registry",
            "agreement",
            "draft",
            "--id",
            "a",
            "--party",
            ndxp,
            "--party",
            tayNinh,
            "--service",
            "VN-NDXP=GOV//X",
            "--not-after",
            notAfter,
            "--out",
            out.toString());

    assertThat(onlyOne.exit()).isEqualTo(2);
    assertThat(onlyOne.err()).contains("exactly two --party");
    assertThat(stranger.exit()).isEqualTo(2);
    assertThat(stranger.err()).contains("FROM must be one of the parties");
    assertThat(malformed.exit()).isEqualTo(2);
    assertThat(malformed.err()).contains("CLASS[/MEMBER[/SUBSYSTEM[/SERVICE]]]");
    assertThat(out).doesNotExist();
  }

  @Test
  void everyAgreementCommandHasHelp() {
    for (String sub : List.of("draft", "sign", "countersign", "show")) {
      CommandRun help = CommandRun.run("registry", "agreement", sub, "--help");
      assertThat(help.exit()).isZero();
      assertThat(help.out()).contains("Usage: lgsp registry agreement " + sub);
    }
  }

  private Path signedAgreement(Path first, Path second, Instant notAfter, String name) {
    Path draft = draft(Instant.now().minus(Duration.ofDays(1)), notAfter);
    Path half = dir.resolve("signed-" + name + ".json");
    Path both = dir.resolve(name + ".json");
    assertThat(sign(draft, first, half).exit()).isZero();
    CommandRun c = countersign(half, second, both);
    assertThat(c.exit()).as(c.err()).isZero();
    return both;
  }

  private Path draft(Instant notBefore, Instant notAfter) {
    Path out = dir.resolve("draft.json");
    CommandRun r =
        CommandRun.run(
            "registry",
            "agreement",
            "draft",
            "--id",
            "ndxp-tayninh",
            "--party",
            "VN-NDXP=" + dir.resolve("VN-NDXP-signing.pem"),
            "--party",
            "VN-TAYNINH=" + dir.resolve("VN-TAYNINH-signing.pem"),
            "--not-before",
            notBefore.toString(),
            "--not-after",
            notAfter.toString(),
            "--service",
            "VN-NDXP=GOV/000.00.00.G01/POPULATION/citizens",
            "--client",
            "VN-NDXP=GOV/000.00.00.H53",
            "--service",
            "VN-TAYNINH=GOV",
            "--client",
            "VN-TAYNINH=GOV/000.00.00.G22",
            "--out",
            out.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    return out;
  }

  private static CommandRun sign(Path draft, Path config, Path out) {
    return CommandRun.run(
        "registry",
        "agreement",
        "sign",
        draft.toString(),
        "--config",
        config.toString(),
        "--out",
        out.toString());
  }

  private static CommandRun countersign(Path signed, Path config, Path out) {
    return CommandRun.run(
        "registry",
        "agreement",
        "countersign",
        signed.toString(),
        "--config",
        config.toString(),
        "--out",
        out.toString());
  }

  private static CommandRun show(Path file) {
    return CommandRun.run("registry", "agreement", "show", file.toString());
  }

  private Credentials signer(String cn) {
    return ca.issueCredentials(
        CertificateProfile.DIRECTORY_SIGNING, cn, "Test", List.of(), Duration.ofHours(1));
  }

  private Path registry(String instance, Credentials key, boolean federated) throws Exception {
    return registry(instance, key, federated, instance);
  }

  /** A registry node's node.yaml for {@code instance} with {@code key} as registry.signing. */
  private Path registry(String instance, Credentials key, boolean federated, String name)
      throws Exception {
    Files.writeString(dir.resolve(name + "-signing.pem"), Pem.write(key.chain().toArray()));
    Files.writeString(dir.resolve(name + "-signing.key"), Pem.write(key.key()));
    Path file = dir.resolve(name + ".yaml");
    Files.writeString(
        file,
        "instance: "
            + instance
            + "\nregistry:\n"
            + "  port: 0\n"
            + "  database: jdbc:sqlite:data/"
            + name
            + ".db\n"
            + "  adminTokenSha256: "
            + Digests.hex(Digests.sha256("admin".getBytes(StandardCharsets.UTF_8)))
            + "\n"
            + "  signing: {certificate: "
            + name
            + "-signing.pem, key: "
            + name
            + "-signing.key}\n"
            + (federated
                ? "  federation:\n"
                    + "    cache: data/federation\n"
                    + "    peers:\n"
                    + "      - agreement: agreement.json\n"
                    + "        registryUrl: http://127.0.0.1:1\n"
                : ""));
    return file;
  }
}
