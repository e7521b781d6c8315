package org.openlgsp.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.openlgsp.testkit.FederatedPair.*;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Directory;
import org.openlgsp.core.NodeId;
import org.openlgsp.core.ServiceId;
import org.openlgsp.ledger.ExchangeRecord;
import org.openlgsp.ledger.Side;
import org.openlgsp.node.GatewayNode;
import org.openlgsp.node.NodeConfig;

/**
 * A national hub that misbehaves, across two federated instances (docs/federation.md, "Hub mode",
 * "Failure behaviour"): VN-NDXP (population database, hub gateway) and VN-TAYNINH (portal), each
 * with its own CA, registry, gateways and ledgers, federated as in {@link CrossInstanceHubTest}.
 * The hub gateway is then replaced, at the address NDXP registered and Tây Ninh learned from the
 * catalogue, by a {@link TamperingHub} holding the hub node's real TLS key. Whatever it changes — a
 * byte of the sealed body, a byte of the consumer's signature, the sealing itself, a byte of the
 * sealed answer — or sends twice is refused by the end that can tell, with its stable code and a
 * ledger record, and the population database's backend never sees the altered request. The real
 * hub, started again, relays an honest lookup right after.
 */
class CrossInstanceHubTamperingTest {

  private static final String ISSUE = "HS-2026-000777";

  @TempDir Path dir;

  @Test
  @Timeout(120)
  void whatAHubAltersReplaysOrStripsIsRefusedByTheEndsAndNeverReachesTheBackend() throws Exception {
    try (Federation ndxp = nationalWithHub(dir);
        Federation tn = provinceWithKeys(dir)) {
      ServiceId citizens = ndxp.citizensService();
      NodeId hub = ndxp.hubNodeId();
      try (AutoCloseable federated = federateThroughHub(ndxp, tn)) {
        // Tây Ninh's gateway learns the hub from NDXP's catalogue; both ends grant the portal
        awaitHub(tn.consumerNode(), "VN-NDXP", hub);
        grantPortal(tn, tn, citizens);
        awaitConsumerGrant(tn, citizens);
        grantHouseholdsAtTayNinhOnly(tn, citizens);
        awaitHub(ndxp.providerNode(), "VN-TAYNINH", hub);
        await().atMost(WAIT).until(() -> directory(ndxp.hubNode()).system(tn.portal()).isPresent());
        grantPortal(ndxp, tn, citizens);
        for (GatewayNode g : List.of(ndxp.hubNode(), ndxp.providerNode())) {
          await()
              .atMost(WAIT)
              .until(
                  () ->
                      directory(g).grants().stream().anyMatch(x -> x.client().equals(tn.portal())));
        }
        String citizen = ndxp.citizenIds().getFirst();
        Federation.Reply honest = tn.call(citizens, "/citizens/" + citizen, ISSUE);
        assertThat(honest.statusCode()).as(honest.body()).isEqualTo(200);

        // the hub node as both instances know it: where it listens, which certificates it shows
        Directory.Node hubNode = directory(tn.consumerNode()).node(hub).orElseThrow();
        assertThat(directory(ndxp.providerNode()).node(hub).orElseThrow().address())
            .isEqualTo(hubNode.address());
        int hubPort = URI.create(hubNode.address()).getPort();
        Directory.Node consumerNode =
            directory(ndxp.hubNode()).node(tn.consumerNodeId()).orElseThrow();
        Directory.Node providerNode =
            directory(ndxp.hubNode()).node(ndxp.providerNodeId()).orElseThrow();
        ndxp.hubNode().close();

        try (TamperingHub evil =
            new TamperingHub(
                ndxp.workDir(),
                hubPort,
                consumerNode.tlsCertificates(),
                providerNode.address(),
                providerNode.tlsCertificates())) {
          // passing it on unchanged, the evil hub is taken for the hub: the lookup works
          Federation.Reply relayed = tn.call(citizens, "/citizens/" + citizen, ISSUE);
          assertThat(relayed.statusCode()).as(relayed.body()).isEqualTo(200);

          // 1. a byte of the sealed body flipped: the consumer's signature covers its digest
          evil.alterRequests(m -> m.withBody(flip(m.body(), m.body().length / 2)));
          refusedByProvider(ndxp, tn, citizens, citizen, "signature.invalid");

          // 2. a byte of the consumer's signature flipped (the body untouched)
          evil.alterRequests(
              m ->
                  m.withHeader(
                      "X-Lgsp-Signature", flipBase64(m.headers().get("X-Lgsp-Signature"))));
          refusedByProvider(ndxp, tn, citizens, citizen, "signature.invalid");

          // 3. the sealing stripped: the envelope sent on with a body in clear
          evil.alterRequests(
              m ->
                  m.withHeader("Content-Type", "application/json")
                      .withBody(("{\"SoDinhDanh\":\"" + citizen + "\"}").getBytes(UTF_8)));
          long providerBefore = ledgerSize(ndxp, "mps-gateway");
          long consumerBefore = ledgerSize(tn, "tay-ninh-gateway");
          long backendBefore = ndxp.backendLookups();
          Federation.Reply stripped = tn.call(citizens, "/citizens/" + citizen, ISSUE);
          // refused before the request's hash is known: the consumer cannot verify the refusal
          assertThat(stripped.statusCode()).as(stripped.body()).isNotEqualTo(200);
          assertThat(stripped.body()).contains("response.invalid").doesNotContain(citizen);
          assertThat(lastRecord(ndxp, "mps-gateway", providerBefore).errorCode())
              .isEqualTo("federation.seal_invalid");
          assertThat(lastRecord(tn, "tay-ninh-gateway", consumerBefore).errorCode())
              .isEqualTo("response.invalid");
          assertThat(ndxp.backendLookups()).isEqualTo(backendBefore);

          // 4. a relayed request sent again: the provider's replay guard (the signed nonce)
          evil.behave();
          backendBefore = ndxp.backendLookups();
          Federation.Reply original = tn.call(citizens, "/citizens/" + citizen, ISSUE);
          assertThat(original.statusCode()).as(original.body()).isEqualTo(200);
          assertThat(ndxp.backendLookups()).isEqualTo(backendBefore + 1);
          providerBefore = ledgerSize(ndxp, "mps-gateway");
          TamperingHub.Answer replayed = evil.replayLast();
          assertThat(replayed.status()).as(replayed.body()).isEqualTo(409);
          // the refusal is sealed to the consumer: the hub sees the status, never the problem
          assertThat(replayed.headers().get("Content-Type")).contains("authEnveloped-data");
          assertThat(replayed.body()).doesNotContain("message.replayed").doesNotContain(citizen);
          assertThat(lastRecord(ndxp, "mps-gateway", providerBefore).errorCode())
              .isEqualTo("message.replayed");
          assertThat(ndxp.backendLookups()).isEqualTo(backendBefore + 1);

          // 5. a byte of the sealed answer flipped: the consumer checks the provider's signature
          evil.behave();
          evil.alterAnswers(m -> m.withBody(flip(m.body(), m.body().length / 2)));
          consumerBefore = ledgerSize(tn, "tay-ninh-gateway");
          Federation.Reply forged = tn.call(citizens, "/citizens/" + citizen, ISSUE);
          assertThat(forged.statusCode()).as(forged.body()).isNotEqualTo(200);
          assertThat(forged.body()).contains("response.invalid").doesNotContain(citizen);
          assertThat(lastRecord(tn, "tay-ninh-gateway", consumerBefore).errorCode())
              .isEqualTo("response.invalid");

          // 6. a refusal the provider signs, as the hub sees it: a status and a ciphertext only
          evil.behave();
          java.util.concurrent.atomic.AtomicReference<TamperingHub.Message> seen =
              new java.util.concurrent.atomic.AtomicReference<>();
          evil.alterAnswers(
              m -> {
                seen.set(m);
                return m;
              });
          long providerBefore6 = ledgerSize(ndxp, "mps-gateway");
          consumerBefore = ledgerSize(tn, "tay-ninh-gateway");
          Federation.Reply denied = tn.call(citizens, "/households/" + citizen, ISSUE);
          assertThat(denied.statusCode()).as(denied.body()).isEqualTo(403);
          assertThat(denied.body()).contains("\"access.denied\"").contains(REFUSAL_DETAIL);
          assertThat(lastRecord(tn, "tay-ninh-gateway", consumerBefore).errorCode())
              .isEqualTo("access.denied");
          assertThat(lastRecord(ndxp, "mps-gateway", providerBefore6).errorCode())
              .isEqualTo("access.denied");
          TamperingHub.Message refusal = seen.get();
          assertThat(refusal.headers().get("Content-Type")).contains("authEnveloped-data");
          assertThat(refusal.headers()).doesNotContainKey("X-Road-Error");
          assertThat(new String(refusal.body(), java.nio.charset.StandardCharsets.ISO_8859_1))
              .doesNotContain(REFUSAL_DETAIL)
              .doesNotContain("access.denied")
              .doesNotContain("/households/")
              .doesNotContain(tn.portal().toString());

          // 7. a byte of that sealed refusal flipped: the consumer refuses it too
          evil.alterAnswers(m -> m.withBody(flip(m.body(), m.body().length / 2)));
          consumerBefore = ledgerSize(tn, "tay-ninh-gateway");
          Federation.Reply forgedRefusal = tn.call(citizens, "/households/" + citizen, ISSUE);
          assertThat(forgedRefusal.statusCode()).as(forgedRefusal.body()).isEqualTo(502);
          assertThat(forgedRefusal.body())
              .contains("response.invalid")
              .doesNotContain("access.denied");
          assertThat(lastRecord(tn, "tay-ninh-gateway", consumerBefore).errorCode())
              .isEqualTo("response.invalid");
          // every one of the portal's eight lookups went through the tampering hub
          assertThat(evil.relayedCount()).isEqualTo(8);
        }

        // the real hub, started again where it was registered: an honest lookup right after
        NodeConfig hubConfig = NodeConfig.read(ndxp.workDir().resolve("hub-gateway.yaml"));
        try (GatewayNode realHub =
            GatewayNode.start(
                hubConfig.gateway().orElseThrow(), ndxp.workDir(), Clock.systemUTC())) {
          await().atMost(WAIT).until(() -> realHub.directory().current().isPresent());
          long consumerBefore = ledgerSize(tn, "tay-ninh-gateway");
          long providerBefore = ledgerSize(ndxp, "mps-gateway");
          long hubBefore = ledgerSize(ndxp, "hub-gateway");
          long backendBefore = ndxp.backendLookups();
          Federation.Reply after = tn.call(citizens, "/citizens/" + citizen, ISSUE);
          assertThat(after.statusCode()).as(after.body()).isEqualTo(200);
          assertThat(after.body()).contains(citizen);
          assertThat(ndxp.backendLookups()).isEqualTo(backendBefore + 1);
          ExchangeRecord consumer = lastRecord(tn, "tay-ninh-gateway", consumerBefore);
          ExchangeRecord relay = lastRecord(ndxp, "hub-gateway", hubBefore);
          ExchangeRecord provider = lastRecord(ndxp, "mps-gateway", providerBefore);
          assertThat(consumer.errorCode()).isEmpty();
          assertThat(relay.side()).isEqualTo(Side.RELAY);
          assertThat(List.of(relay.messageId(), provider.messageId()))
              .containsOnly(consumer.messageId());
          assertThat(relay.requestSignature())
              .isNotEmpty()
              .isEqualTo(consumer.requestSignature())
              .isEqualTo(provider.requestSignature());
        }
      }
    }
  }

  /**
   * The portal's lookup through the tampering hub is refused by the provider with {@code code}: the
   * consumer passes the code on, both ends record it, the backend is not asked.
   */
  private static void refusedByProvider(
      Federation ndxp, Federation tn, ServiceId citizens, String citizen, String code) {
    long providerBefore = ledgerSize(ndxp, "mps-gateway");
    long consumerBefore = ledgerSize(tn, "tay-ninh-gateway");
    long backendBefore = ndxp.backendLookups();
    Federation.Reply r = tn.call(citizens, "/citizens/" + citizen, ISSUE);
    assertThat(r.statusCode()).as(r.body()).isNotEqualTo(200);
    assertThat(r.body()).contains(code).doesNotContain(citizen);
    ExchangeRecord provider = lastRecord(ndxp, "mps-gateway", providerBefore);
    assertThat(provider.side()).isEqualTo(Side.PROVIDER);
    assertThat(provider.errorCode()).isEqualTo(code);
    ExchangeRecord consumer = lastRecord(tn, "tay-ninh-gateway", consumerBefore);
    assertThat(consumer.side()).isEqualTo(Side.CONSUMER);
    assertThat(consumer.errorCode()).isEqualTo(code);
    assertThat(consumer.messageId()).isEqualTo(provider.messageId());
    assertThat(ndxp.backendLookups()).isEqualTo(backendBefore);
  }

  private static byte[] flip(byte[] body, int at) {
    byte[] copy = body.clone();
    copy[at] ^= 0x01;
    return copy;
  }

  /** The same base64 signature with one byte of what it encodes flipped. */
  private static String flipBase64(String signature) {
    byte[] raw = Base64.getDecoder().decode(signature);
    return Base64.getEncoder().encodeToString(flip(raw, raw.length / 2));
  }
}
