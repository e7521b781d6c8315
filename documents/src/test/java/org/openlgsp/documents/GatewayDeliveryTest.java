package org.openlgsp.documents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.AgencyCode;
import org.openlgsp.core.ClientId;

/** The axis delivering through its gateway's r1 API, against a stand-in gateway on a socket. */
class GatewayDeliveryTest {
  @TempDir Path dir;
  WebServer gateway;
  final AtomicInteger tokensIssued = new AtomicInteger();
  final List<String> bearers = new CopyOnWriteArrayList<>();

  /** A gateway whose first token is already expired, refusing it as X-Road does (400). */
  void start(boolean everyTokenRefused) {
    gateway =
        WebServer.builder()
            .host("127.0.0.1")
            .port(0)
            .routing(
                HttpRouting.builder()
                    .post(
                        "/token",
                        (req, res) -> {
                          res.header("Content-Type", "application/json");
                          res.send(
                              "{\"access_token\":\"t" + tokensIssued.incrementAndGet() + "\"}");
                        })
                    .post(
                        "/r1/*",
                        (req, res) -> {
                          req.content().consume();
                          String bearer =
                              req.headers().get(io.helidon.http.HeaderNames.AUTHORIZATION).get();
                          bearers.add(bearer);
                          if (everyTokenRefused || bearer.equals("Bearer t1")) {
                            res.status(400);
                            res.header("Content-Type", "application/json; charset=utf-8");
                            res.header("X-Road-Error", "Client.SslAuthenticationFailed");
                            res.send(
                                "{\"type\":\"Client.SslAuthenticationFailed\",\"message\":\"bearer"
                                    + " token is unknown or expired\",\"detail\":\"x\","
                                    + "\"code\":\"token.invalid\"}");
                            return;
                          }
                          res.status(201).send("{}");
                        }))
            .build()
            .start();
  }

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.stop();
    }
  }

  GatewayDelivery delivery() {
    return new GatewayDelivery(
        "http://127.0.0.1:" + gateway.port(),
        ClientId.parse("VN/GOV/000.00.00.H41/EDOC"),
        "axis",
        "secret",
        "EDOC",
        "relay");
  }

  @Test
  void aTokenTheGatewayRefusesInXRoadsFormatIsRenewedOnce() throws Exception {
    start(false);
    Path file = Files.writeString(dir.resolve("p.edxml"), "<x/>");

    delivery().deliver(AgencyCode.parse("000.00.15.H41"), PackageBody.of(file));

    assertThat(bearers).containsExactly("Bearer t1", "Bearer t2");
  }

  @Test
  void aGatewayRefusingEveryTokenFailsTheDeliveryAfterOneRenewal() throws Exception {
    start(true);
    Path file = Files.writeString(dir.resolve("p.edxml"), "<x/>");

    assertThatThrownBy(
            () -> delivery().deliver(AgencyCode.parse("000.00.15.H41"), PackageBody.of(file)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("HTTP 400");
    assertThat(bearers).hasSize(2);
  }
}
