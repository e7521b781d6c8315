package org.openlgsp.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.openlgsp.testkit.FederatedPair.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Directory;
import org.openlgsp.core.NodeId;
import org.openlgsp.core.ServiceId;
import org.openlgsp.ledger.ExchangeRecord;
import org.openlgsp.ledger.Side;
import org.openlgsp.node.GatewayNode;

/**
 * Hub mode across two federated instances (docs/federation.md, "Hub mode"): the national platform
 * (VN-NDXP: population database, hub gateway) and Tây Ninh's LGSP (VN-TAYNINH: portal), each with
 * its own CA, registry, gateways and ledgers. Tây Ninh's registry learns the national hub node —
 * its address and TLS certificates — from NDXP's verified catalogue only; its gateway then seals
 * the portal's lookups to the population database's key and sends them through the hub.
 */
class CrossInstanceHubTest {

  @TempDir Path dir;

  @Test
  void aProvincialPortalReadsTheNationalPopulationDatabaseThroughTheHubLearnedFromTheCatalogue()
      throws Exception {
    try (Federation ndxp = nationalWithHub(dir);
        Federation tn = provinceWithKeys(dir)) {
      ServiceId citizens = ndxp.citizensService();
      NodeId hub = ndxp.hubNodeId();
      // NDXP relays its exchanges with Tây Ninh through its hub; Tây Ninh configures no hub at all
      try (AutoCloseable federated = federateThroughHub(ndxp, tn)) {

        // Tây Ninh's gateway learns the hub node, its address and certificates, from the catalogue
        awaitHub(tn.consumerNode(), "VN-NDXP", hub);
        Directory tnView = directory(tn.consumerNode());
        assertThat(tnView.federation("VN-NDXP").orElseThrow().hubNode()).contains(hub);
        Directory.Node hubEntry = tnView.node(hub).orElseThrow();
        Directory.Node hubAtHome = directory(ndxp.hubNode()).node(hub).orElseThrow();
        assertThat(hubEntry.address()).isEqualTo(hubAtHome.address());
        assertThat(hubEntry.tlsCertificates()).isNotEmpty().isEqualTo(hubAtHome.tlsCertificates());
        assertThat(
                tnView
                    .member(ndxp.citizensService().provider())
                    .orElseThrow()
                    .encryptionCertificates())
            .isNotEmpty();
        assertThat(Files.readString(tn.workDir().resolve("tay-ninh-gateway.yaml")))
            .as("no hub in Tây Ninh's gateway configuration")
            .doesNotContain(hub.toString())
            .doesNotContain("hub:");
        // NDXP's provider knows Tây Ninh's calls come through its own hub (its registry's config)
        awaitHub(ndxp.providerNode(), "VN-TAYNINH", hub);

        // Tây Ninh grants its portal; NDXP has not: the hub refuses, the provider is never reached
        grantPortal(tn, tn, citizens);
        awaitConsumerGrant(tn, citizens);
        await().atMost(WAIT).until(() -> directory(ndxp.hubNode()).system(tn.portal()).isPresent());
        String citizen = ndxp.citizenIds().getFirst();
        long hubBefore = ledgerSize(ndxp, "hub-gateway");
        long providerBefore = ledgerSize(ndxp, "mps-gateway");
        Federation.Reply refused = tn.call(citizens, "/citizens/" + citizen, "HS-2026-000123");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
        assertThat(refused.body()).contains("federation.not_agreed");
        ExchangeRecord hubRefusal = lastRecord(ndxp, "hub-gateway", hubBefore);
        assertThat(hubRefusal.side()).isEqualTo(Side.RELAY);
        assertThat(hubRefusal.errorCode()).isEqualTo("federation.not_agreed");
        assertThat(ledgerSize(ndxp, "mps-gateway")).isEqualTo(providerBefore);

        // NDXP grants Tây Ninh's portal (the agreement allows it): through the hub, sealed
        grantPortal(ndxp, tn, citizens);
        for (GatewayNode g : List.of(ndxp.hubNode(), ndxp.providerNode())) {
          await()
              .atMost(WAIT)
              .until(
                  () ->
                      directory(g).grants().stream().anyMatch(x -> x.client().equals(tn.portal())));
        }
        long tnBefore = ledgerSize(tn, "tay-ninh-gateway");
        hubBefore = ledgerSize(ndxp, "hub-gateway");
        providerBefore = ledgerSize(ndxp, "mps-gateway");
        Federation.Reply ok = tn.call(citizens, "/citizens/" + citizen, "HS-2026-000123");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(ok.body()).contains(citizen);

        ExchangeRecord consumer = lastRecord(tn, "tay-ninh-gateway", tnBefore);
        ExchangeRecord relay = lastRecord(ndxp, "hub-gateway", hubBefore);
        ExchangeRecord provider = lastRecord(ndxp, "mps-gateway", providerBefore);
        assertThat(consumer.side()).isEqualTo(Side.CONSUMER);
        assertThat(relay.side()).isEqualTo(Side.RELAY);
        assertThat(provider.side()).isEqualTo(Side.PROVIDER);
        assertThat(relay.node()).isEqualTo(hub);
        for (ExchangeRecord r : List.of(relay, provider)) {
          assertThat(r.messageId()).isEqualTo(consumer.messageId());
          assertThat(r.client()).isEqualTo(tn.portal());
          assertThat(r.service()).isEqualTo(citizens);
          // the consumer's signature travels unchanged; the provider's answer comes back unchanged
          assertThat(r.requestSignature()).isNotEmpty().isEqualTo(consumer.requestSignature());
          assertThat(r.responseSignature()).isNotEmpty().isEqualTo(consumer.responseSignature());
          // digests of the ciphertexts: the same on every hop
          assertThat(r.requestBodyDigest()).isEqualTo(consumer.requestBodyDigest());
          assertThat(r.responseBodyDigest()).isEqualTo(consumer.responseBodyDigest());
        }
        // the hub saw the envelope only: no path, user, issue or subject
        assertThat(relay.path()).isEmpty();
        assertThat(relay.userId()).isEmpty();
        assertThat(relay.issue()).isEmpty();
        assertThat(relay.subjectHash()).isEmpty();
        // the provider opened it: its record has what the portal sent
        assertThat(provider.path()).contains("/citizens/");
        assertThat(provider.userId()).isEqualTo("VN072090000001");
        assertThat(provider.issue()).isEqualTo("HS-2026-000123");
        // and the hub's database, read as bytes, holds none of it (the provider's does)
        assertThat(bytes(ndxp, "mps-gateway")).contains("VN072090000001");
        assertThat(bytes(ndxp, "hub-gateway"))
            .doesNotContain(citizen)
            .doesNotContain("VN072090000001")
            .doesNotContain("HS-2026-000123");

        // a refusal the provider signs comes back sealed like any answer: Tây Ninh lets its
        // portal read /households/* too, NDXP does not, so the hub (which has a grant for the
        // service) relays the call and the provider refuses it with access.denied
        grantHouseholdsAtTayNinhOnly(tn, citizens);
        tnBefore = ledgerSize(tn, "tay-ninh-gateway");
        hubBefore = ledgerSize(ndxp, "hub-gateway");
        providerBefore = ledgerSize(ndxp, "mps-gateway");
        long backendBefore = ndxp.backendLookups();
        Federation.Reply denied;
        List<String> logged;
        try (LogCapture logs = LogCapture.everything()) {
          denied = tn.call(citizens, "/households/" + citizen, "HS-2026-000123");
          logged = logs.lines();
        }
        // the portal sees the provider's problem as it would directly: its code and detail
        assertThat(denied.statusCode()).as(denied.body()).isEqualTo(403);
        assertThat(denied.body())
            .contains("\"access.denied\"")
            .contains(REFUSAL_DETAIL)
            .doesNotContain(citizen);
        assertThat(ndxp.backendLookups()).isEqualTo(backendBefore);
        ExchangeRecord deniedConsumer = lastRecord(tn, "tay-ninh-gateway", tnBefore);
        ExchangeRecord deniedRelay = lastRecord(ndxp, "hub-gateway", hubBefore);
        ExchangeRecord deniedProvider = lastRecord(ndxp, "mps-gateway", providerBefore);
        assertThat(deniedConsumer.errorCode()).isEqualTo("access.denied");
        assertThat(deniedProvider.errorCode()).isEqualTo("access.denied");
        // the hub relayed a status and a ciphertext: digests and signatures, no code, no detail
        assertThat(deniedRelay.side()).isEqualTo(Side.RELAY);
        assertThat(deniedRelay.status()).isEqualTo(403);
        assertThat(deniedRelay.errorCode()).isEmpty();
        assertThat(deniedRelay.path()).isEmpty();
        assertThat(deniedRelay.responseSignature())
            .isNotEmpty()
            .isEqualTo(deniedConsumer.responseSignature())
            .isEqualTo(deniedProvider.responseSignature());
        assertThat(deniedRelay.responseBodyDigest()).isEqualTo(deniedConsumer.responseBodyDigest());
        assertThat(bytes(ndxp, "hub-gateway"))
            .contains(tn.portal().toString())
            .doesNotContain(REFUSAL_DETAIL)
            .doesNotContain("/households/")
            .doesNotContain("access.denied")
            // the X-Road type of access.denied (the hub's own not_agreed is ClientProxy's)
            .doesNotContain("Server.ServerProxy.AccessDenied");
        // the edges log each answer (route, status): there is something to look through
        assertThat(logged).anyMatch(l -> l.contains("answered 403"));
        assertThat(String.join("\n", logged))
            .doesNotContain(REFUSAL_DETAIL)
            .doesNotContain("/households/")
            .doesNotContain(citizen);
      }
    }
  }

  private static String bytes(Federation f, String gateway) throws Exception {
    StringBuilder all = new StringBuilder();
    try (var files = Files.list(f.workDir().resolve("data"))) {
      for (Path p : files.filter(p -> p.getFileName().toString().startsWith(gateway)).toList()) {
        all.append(new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
      }
    }
    return all.toString();
  }
}
