package org.openlgsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Local systems authenticated as X-Road's plain-HTTP connection type: by the address they call the
 * plain-HTTP client port from, only when they list it, never on the TLS port, never from elsewhere.
 * The tests call from 127.0.0.1, so listing it or not is the difference.
 */
class SourceAddressAuthenticationTest {
  static final String CITIZEN = "/r1/VN/GOV/000.00.00.G01/CSDLQGDC/citizens/citizens/079090001234";
  static final String ALLOWED = "/r1/VN/GOV/000.00.00.G01/CSDLQGDC/allowedMethods";

  @TempDir Path dir;
  TwoGateways net;

  @AfterEach
  void stop() {
    if (net != null) {
      net.close();
    }
  }

  void start(String portalNetwork, String otherNetwork) {
    UnaryOperator<List<LocalSystem>> systems =
        list ->
            list.stream()
                .map(
                    s -> {
                      String n = s.id().equals(TwoGateways.PORTAL) ? portalNetwork : otherNetwork;
                      return n.isEmpty() ? s : s.withSourceNetwork(SourceNetwork.parse(n));
                    })
                .toList();
    net = new TwoGateways(dir, systems);
  }

  @Test
  void anIpv6NetworkAdmitsCallsFromItsAddressesAndNotFromIpv4() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        ipv6LoopbackUsable(), "IPv6 loopback (::1) is not available on this machine");
    UnaryOperator<List<LocalSystem>> systems =
        list ->
            list.stream()
                .map(
                    s ->
                        s.id().equals(TwoGateways.PORTAL)
                            ? s.withSourceNetwork(SourceNetwork.parse("::1/128"))
                            : s.withSourceNetwork(SourceNetwork.parse("127.0.0.1")))
                .toList();
    net = new TwoGateways(dir, systems, o -> o.withHost("::")); // both address families
    String overIpv6 = "http://[::1]:" + net.tn.clientHttpPort().orElseThrow();

    HttpResponse<String> portal = call(overIpv6, CITIZEN, TwoGateways.PORTAL.toString());
    assertThat(portal.statusCode()).as(portal.body()).isEqualTo(200);
    HttpResponse<String> portalOverIpv4 =
        call(net.clientHttp(), CITIZEN, TwoGateways.PORTAL.toString());
    assertThat(portalOverIpv4.statusCode()).isEqualTo(401);
    HttpResponse<String> otherOverIpv6 =
        call(overIpv6, ALLOWED, TwoGateways.OTHER_SYSTEM.toString());
    assertThat(otherOverIpv6.statusCode()).isEqualTo(401);
    HttpResponse<String> otherOverIpv4 =
        call(net.clientHttp(), ALLOWED, TwoGateways.OTHER_SYSTEM.toString());
    assertThat(otherOverIpv4.statusCode()).as(otherOverIpv4.body()).isEqualTo(200);
  }

  private static boolean ipv6LoopbackUsable() {
    try (java.net.ServerSocket s = new java.net.ServerSocket()) {
      s.bind(new java.net.InetSocketAddress(java.net.InetAddress.getByName("::1"), 0));
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  HttpResponse<String> call(String base, String path, String client) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Accept", "application/problem+json") // OpenLGSP statuses.header("Accept",
            // "application/problem+json") // OpenLGSP statuses
            .header("X-Road-UserId", "VN079090001111")
            .header("X-Road-Issue", "HS-2026-000123");
    if (client != null) {
      b.header("X-Road-Client", client);
    }
    return net.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aSystemListingTheCallersNetworkIsAuthenticatedOnThePlainHttpPortWithoutCredentials()
      throws Exception {
    start("127.0.0.0/8", "");
    HttpResponse<String> r = call(net.clientHttp(), CITIZEN, TwoGateways.PORTAL.toString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.body()).contains("079090001234");
    // the exchange is the portal's, in the ledger as on the wire
    assertThat(r.headers().firstValue("X-Road-Client")).hasValue(TwoGateways.PORTAL.toString());

    HttpResponse<String> withForeignToken = // e.g. a JWT the client means for the provider
        net.http.send(
            HttpRequest.newBuilder(URI.create(net.clientHttp() + CITIZEN))
                .header("X-Road-Client", TwoGateways.PORTAL.toString())
                .header("X-Road-UserId", "VN079090001111")
                .header("X-Road-Issue", "HS-2026-000123")
                .header("Authorization", "Bearer eyJhbGciOiJFUzI1NiJ9.e30.c2ln")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(withForeignToken.statusCode()).as(withForeignToken.body()).isEqualTo(200);

    HttpResponse<String> asOther =
        call(net.clientHttp(), CITIZEN, TwoGateways.OTHER_SYSTEM.toString());
    assertThat(asOther.statusCode()).as(asOther.body()).isEqualTo(401);
    assertThat(asOther.body()).contains("client.unauthenticated");
  }

  @Test
  void fromAnAddressOutsideTheListOrOnTheTlsPortTheCallIsRefusedAsBefore() throws Exception {
    start("10.9.0.0/16", "2001:db8::/32");
    HttpResponse<String> outside = call(net.clientHttp(), CITIZEN, TwoGateways.PORTAL.toString());
    assertThat(outside.statusCode()).as(outside.body()).isEqualTo(401);
    assertThat(outside.body()).contains("client.unauthenticated");
    HttpResponse<String> withToken =
        net.http.send(
            HttpRequest.newBuilder(URI.create(net.clientHttp() + CITIZEN))
                .header("X-Road-Client", TwoGateways.PORTAL.toString())
                .header("X-Road-UserId", "VN079090001111")
                .header("X-Road-Issue", "HS-2026-000123")
                .header("Authorization", "Bearer " + net.token())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(withToken.statusCode()).as(withToken.body()).isEqualTo(200);
    HttpResponse<String> foreignToken =
        net.http.send(
            HttpRequest.newBuilder(URI.create(net.clientHttp() + CITIZEN))
                .header("X-Road-Client", TwoGateways.PORTAL.toString())
                .header("Authorization", "Bearer not-ours")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    // X-Road's format (no Accept): a Client.* type is 400
    assertThat(foreignToken.statusCode()).isEqualTo(400);
    assertThat(foreignToken.body()).contains("token.invalid"); // as before, outside the list
  }

  @Test
  void theAddressNeverAuthenticatesOnTheTlsPort() throws Exception {
    start("127.0.0.0/8", "");
    javax.net.ssl.SSLContext plain = javax.net.ssl.SSLContext.getInstance("TLSv1.3");
    plain.init(
        null,
        new javax.net.ssl.TrustManager[] {
          new org.openlgsp.pki.PinnedTrustManager(
              () ->
                  java.util.Set.of(
                      org.openlgsp.core.Certificates.fingerprint(net.tnTls.certificate())))
        },
        null);
    java.net.http.HttpClient tls = java.net.http.HttpClient.newBuilder().sslContext(plain).build();
    HttpResponse<String> r =
        tls.send(
            HttpRequest.newBuilder(URI.create(net.clientTls() + CITIZEN))
                .header("X-Road-Client", TwoGateways.PORTAL.toString())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(400); // X-Road's status for Client.*
    assertThat(r.body())
        .contains("client.unauthenticated")
        .contains("Client.SslAuthenticationFailed");
  }

  @Test
  void systemsSharingAnAddressArePickedByXRoadClientAndNoneElseCanBeNamed() throws Exception {
    start("127.0.0.1", "127.0.0.0/24"); // both systems run on the same host
    HttpResponse<String> portal = call(net.clientHttp(), ALLOWED, TwoGateways.PORTAL.toString());
    assertThat(portal.statusCode()).as(portal.body()).isEqualTo(200);
    assertThat(portal.body()).contains("citizens"); // the portal's grant
    HttpResponse<String> other =
        call(net.clientHttp(), ALLOWED, TwoGateways.OTHER_SYSTEM.toString());
    assertThat(other.statusCode()).as(other.body()).isEqualTo(200);
    assertThat(other.body()).isEqualTo("{\"service\":[]}"); // no grant: it is the other system

    HttpResponse<String> unnamed = call(net.clientHttp(), ALLOWED, null);
    assertThat(unnamed.statusCode()).as(unnamed.body()).isEqualTo(401);
    assertThat(unnamed.body()).contains("X-Road-Client");
    HttpResponse<String> stranger = call(net.clientHttp(), ALLOWED, "VN/GOV/000.00.00.H53/NOTOURS");
    assertThat(stranger.statusCode()).as(stranger.body()).isEqualTo(401);
  }
}
