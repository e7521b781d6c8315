package org.openlgsp.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.openlgsp.core.Certificates;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.MessageSigner;
import org.openlgsp.core.ServiceId;
import org.openlgsp.core.Signatures;
import org.openlgsp.node.NodeConfig;
import org.openlgsp.pki.Pem;
import org.openlgsp.registry.Agreement;
import org.openlgsp.registry.Selector;
import org.openlgsp.registry.SignedAgreement;

/**
 * Federates {@link Federation}s of different instances (docs/federation.md): one agreement signed
 * by both registries, and each registry's federation with its peers, as operators configure them.
 */
public final class Federations {
  private Federations() {}

  /**
   * An agreement {@code id} under which {@code provider}'s instance exports {@code service} (only)
   * to {@code consumer}'s portal, signed by both registries and written as {@code id}{@code
   * .agreement.json} in both work folders; the file's name.
   */
  public static String agree(
      Federation provider, Federation consumer, String id, ServiceId service) {
    try {
      MessageSigner providerKey = registryKey(provider.workDir());
      MessageSigner consumerKey = registryKey(consumer.workDir());
      ClientId portal = consumer.portal();
      Agreement agreement =
          new Agreement(
              id,
              Instant.now().minus(Duration.ofDays(1)),
              Instant.now().plus(Duration.ofDays(365)),
              List.of(
                  new Agreement.Party(
                      provider.instance(), Certificates.base64(providerKey.certificate())),
                  new Agreement.Party(
                      consumer.instance(), Certificates.base64(consumerKey.certificate()))),
              List.of(
                  new Agreement.Export(
                      provider.instance(),
                      consumer.instance(),
                      List.of(Selector.service(service)),
                      List.of(
                          new Selector(
                              portal.memberClass(),
                              portal.memberCode(),
                              portal.subsystemCode(),
                              "")))));
      byte[] signed =
          SignedAgreement.sign(agreement, provider.instance(), providerKey)
              .countersign(consumer.instance(), consumerKey)
              .toJson();
      String file = id + ".agreement.json";
      for (Federation f : List.of(provider, consumer)) {
        Files.write(f.workDir().resolve(file), signed);
      }
      return file;
    } catch (IOException e) {
      throw new IllegalStateException("cannot sign agreement " + id + ": " + e.getMessage(), e);
    }
  }

  /**
   * Starts {@code self}'s registry federating with {@code peers} (catalogues re-signed every 5 s,
   * valid 600 s, fetched every 500 ms); closing the result stops it.
   */
  public static AutoCloseable federate(Federation self, List<NodeConfig.FederationPeer> peers) {
    NodeConfig.RegistryFederation settings =
        new NodeConfig.RegistryFederation(
            Optional.of(Duration.ofSeconds(5)),
            Optional.of(Duration.ofSeconds(600)),
            Optional.of(Duration.ofMillis(500)),
            Optional.empty(),
            peers);
    return self.registry().federate(settings.options(self.workDir()));
  }

  /** A registry's directory-signing key, from the files the fixture wrote. */
  static MessageSigner registryKey(Path workDir) throws IOException {
    X509Certificate cert =
        Pem.certificates(Files.readString(workDir.resolve("pki/registry-signing.pem"))).getFirst();
    return Signatures.software(
        Pem.privateKey(Files.readString(workDir.resolve("pki/registry-signing.key"))), cert);
  }
}
