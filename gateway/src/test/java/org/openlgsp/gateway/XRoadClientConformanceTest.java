package org.openlgsp.gateway;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Directory;
import org.openlgsp.core.PathPattern;

class XRoadClientConformanceTest {
  static final String SERVICE = "/r1/VN/GOV/000.00.00.G01/CSDLQGDC/citizens";
  @TempDir Path dir;
  TwoGateways net;
  String token;

  @BeforeEach
  void start() throws Exception {
    net = new TwoGateways(dir);
    net.grants.add(
        new Directory.Grant(
            TwoGateways.PORTAL,
            TwoGateways.CITIZENS,
            List.of(),
            List.of(PathPattern.parse("/mirror/**"))));
    net.republish();
    token = net.token();
  }

  @AfterEach
  void stop() {
    net.close();
  }

  HttpResponse<String> call(String method, String pathAndQuery, String... headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(net.clientHttp() + pathAndQuery))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .timeout(java.time.Duration.ofSeconds(10))
            .header("Authorization", "Bearer " + token)
            .header("X-Road-Client", TwoGateways.PORTAL.toString())
            .header("X-Road-Issue", "HS-2026-000123");
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return net.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void explore() throws Exception {
    for (String p :
        List.of(
            SERVICE + "/mirror/a",
            SERVICE + "/mirror/c;v=1/d",
            SERVICE + "/mirror/x?/../../x",
            SERVICE + "/mirror/x?q=" + "a".repeat(1000))) {
      var r = call("GET", p);
      System.out.println(
          "EXPLORE "
              + p.length()
              + " "
              + r.statusCode()
              + " "
              + r.headers().map()
              + " "
              + r.body());
    }
    var r = call("GET", SERVICE + "/mirror/u", "X-Road-UserId", "é");
    System.out.println("EXPLORE userid " + r.statusCode() + " " + r.body());
    long t = System.nanoTime();
    r = call("HEAD", SERVICE + "/mirror/h");
    System.out.println(
        "EXPLORE head "
            + r.statusCode()
            + " "
            + r.headers().map()
            + " "
            + (System.nanoTime() - t) / 1000000);
    r = call("GET", "/r1/VN/GOV/nope/x/y/z", "Accept", "application/xml");
    System.out.println("EXPLORE xml " + r.statusCode() + " " + r.headers().map() + " " + r.body());
  }
}
