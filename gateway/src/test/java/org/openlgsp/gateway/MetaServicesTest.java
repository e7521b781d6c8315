package org.openlgsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Json;

/** X-Road metaservices answered from the directory, as X-Road clients call them. */
class MetaServicesTest {
  @TempDir Path dir;
  TwoGateways net;

  @BeforeEach
  void start() {
    net = new TwoGateways(dir);
  }

  @AfterEach
  void stop() {
    net.close();
  }

  Map<?, ?> get(String path, String client) throws Exception {
    return get(path, client, net.token());
  }

  Map<?, ?> get(String path, String client, String token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(net.clientHttp() + path))
            .header("Authorization", "Bearer " + token);
    if (client != null) {
      b.header("X-Road-Client", client);
    }
    HttpResponse<String> r = net.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return Json.mapper().readValue(r.body(), Map.class);
  }

  @Test
  void listClientsNamesMembersAndSubsystems() throws Exception {
    List<?> members = (List<?>) get("/listClients?xRoadInstance=VN", null).get("member");
    assertThat(members).hasSize(5);
    assertThat(Json.writeString(members))
        .contains("\"subsystem_code\":\"CSDLQGDC\"")
        .contains("Bộ Công an");
  }

  @Test
  void allowedMethodsShowsOnlyWhatTheGrantAllows() throws Exception {
    String client = TwoGateways.PORTAL.toString();
    Map<?, ?> allowed = get("/r1/VN/GOV/000.00.00.G01/CSDLQGDC/allowedMethods", client);
    assertThat(Json.writeString(allowed))
        .contains("\"service_code\":\"citizens\"")
        .contains("{\"method\":\"GET\",\"path\":\"/citizens/*\"}")
        .contains("{\"method\":\"POST\",\"path\":\"/citizens/*\"}");
    Map<?, ?> noneForOther =
        get(
            "/r1/VN/GOV/000.00.00.G01/CSDLQGDC/allowedMethods",
            TwoGateways.OTHER_SYSTEM.toString(),
            net.token("other", TwoGateways.OTHER_SECRET));
    assertThat((List<?>) noneForOther.get("service")).isEmpty();
    Map<?, ?> all = get("/r1/VN/GOV/000.00.00.G01/CSDLQGDC/listMethods", client);
    assertThat((List<?>) all.get("service")).hasSize(1);
  }
}
