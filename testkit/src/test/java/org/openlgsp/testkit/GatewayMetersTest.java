package org.openlgsp.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Directory;
import org.openlgsp.node.GatewayNode;

/**
 * The gateway meters of docs/ops.md after a real exchange between two gateways that check
 * revocation against the CA's OCSP responder: the directory in use, the OCSP answer held for the
 * node's TLS certificate, the certificates' remaining validity and the ledger appends.
 */
class GatewayMetersTest {
  @TempDir Path dir;

  @Test
  void afterAnExchangeTheMetersShowTheDirectoryOcspAnswerCertificatesAndLedgerAppends() {
    try (Federation fed =
        Federation.start(dir, Federation.Options.exchange(1).withRevocationChecking(true))) {
      Federation.Reply served = fed.lookUpCitizen(fed.citizenIds().getFirst(), "HS-2026-000123");
      assertThat(served.statusCode()).as(served.body()).isEqualTo(200);

      for (GatewayNode node : java.util.List.of(fed.consumerNode(), fed.providerNode())) {
        MeterRegistry m = node.meters();
        Directory directory = node.directory().current().orElseThrow();
        assertThat(m.get("lgsp.directory.serial").gauge().value())
            .isEqualTo((double) directory.serial());
        assertThat(m.get("lgsp.directory.expiry").gauge().value()).isPositive();
        assertThat(m.get("lgsp.directory.age").gauge().value()).isNotNegative();

        double ocspAge =
            m.get("lgsp.ocsp.answer.age").tag("certificate", "gateway_tls").gauge().value();
        assertThat(ocspAge).as("an answer is held, a few seconds old").isBetween(-5.0, 60.0);
        assertThat(m.get("lgsp.ocsp.failures").functionCounter().count())
            .as("the responder answered every question")
            .isZero();

        double tls = m.get("lgsp.certificate.expiry").tag("role", "gateway_tls").gauge().value();
        long tlsLeft =
            Duration.between(
                    java.time.Instant.now(),
                    node.gateway().nodeTlsCertificate().getNotAfter().toInstant())
                .toSeconds();
        assertThat(tls).isCloseTo(tlsLeft, org.assertj.core.data.Offset.offset(5.0));
        assertThat(m.get("lgsp.certificate.expiry").tag("role", "gateway_signing").gauge().value())
            .isPositive();

        assertThat(m.get("lgsp.ledger.append").timer().count()).isPositive();
        assertThat(m.get("lgsp.ledger.records").gauge().value())
            .isEqualTo((double) node.ledger().size());
        assertThat(
                m.get("lgsp.admission.refusals").tag("side", "consumer").functionCounter().count())
            .isZero();
      }
    }
  }
}
