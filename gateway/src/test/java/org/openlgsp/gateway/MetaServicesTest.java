package org.openlgsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Json;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * X-Road metaservices (PR-META 2.16, PR-MREST) answered by a real gateway from the signed
 * directory, called as X-Road clients call them.
 */
class MetaServicesTest {
  static final String XROAD = "http://x-road.eu/xsd/xroad.xsd";
  static final String IDS = "http://x-road.eu/xsd/identifiers";
  static final String PROVIDER = "/r1/VN/GOV/000.00.00.G01/CSDLQGDC/";

  /** A provider's document: a templated path, two methods on one path, a backend host to hide. */
  static final String CITIZENS_YAML =
      """
      openapi: 3.0.3
      info: {title: Citizens, version: '1'}
      servers:
        - url: https://population.internal:8443/api
        - url: https://{region}.example.vn/api
      paths:
        /citizens/{personalId}:
          get: {responses: {'200': {description: a citizen}}}
          post: {responses: {'200': {description: updated}}}
          parameters: [{name: personalId, in: path, required: true, schema: {type: string}}]
        /citizens:
          get: {responses: {'200': {description: all}}}
        /stats:
          delete: {responses: {'204': {description: reset}}}
      """;

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

  HttpResponse<String> call(String path, String client, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(net.clientHttp() + path))
            .header("Accept", "application/problem+json") // OpenLGSP statuses.header("Accept",
            // "application/problem+json") // OpenLGSP statuses
            .header("Authorization", "Bearer " + net.token());
    if (client != null) {
      b.header("X-Road-Client", client);
    }
    headers.forEach(b::header);
    return net.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  Map<?, ?> json(String path) throws Exception {
    HttpResponse<String> r = call(path, TwoGateways.PORTAL.toString(), Map.of());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
    return Json.mapper().readValue(r.body(), Map.class);
  }

  void registerDocument(String doc) {
    net.citizensOpenApi = doc;
    net.republish();
  }

  @Test
  void listClientsDefaultsToXRoadsXmlClientListAndNeedsNoCredentials() throws Exception {
    HttpResponse<String> r =
        net.http.send(
            HttpRequest.newBuilder(URI.create(net.clientHttp() + "/listClients")).build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("text/xml; charset=utf-8");
    validateAgainstPrMetaSchema(r.body());
    Element root = parseHardened(r.body()).getDocumentElement();
    assertThat(root.getNamespaceURI()).isEqualTo(XROAD);
    assertThat(root.getLocalName()).isEqualTo("clientList");
    NodeList members = root.getElementsByTagNameNS(XROAD, "member");
    assertThat(members.getLength()).isEqualTo(5);
    Element firstId =
        (Element) ((Element) members.item(0)).getElementsByTagNameNS(XROAD, "id").item(0);
    assertThat(firstId.getAttributeNS(IDS, "objectType")).isEqualTo("MEMBER");
    assertThat(childText(firstId, IDS, "xRoadInstance")).isEqualTo("VN");
    assertThat(childText(firstId, IDS, "memberClass")).isEqualTo("GOV");
    Element population = (Element) members.item(4);
    Element popId = (Element) population.getElementsByTagNameNS(XROAD, "id").item(0);
    assertThat(popId.getAttributeNS(IDS, "objectType")).isEqualTo("SUBSYSTEM");
    assertThat(childText(popId, IDS, "memberCode")).isEqualTo("000.00.00.G01");
    assertThat(childText(popId, IDS, "subsystemCode")).isEqualTo("CSDLQGDC");
    assertThat(childText(population, XROAD, "name")).isEqualTo("Bộ Công an");
    assertThat(childText(population, XROAD, "subsystemName")).isEqualTo("CSDL quốc gia về dân cư");
  }

  @Test
  void listClientsAnswersJsonOnlyWhenTheClientAcceptsJsonAndFiltersByInstance() throws Exception {
    HttpResponse<String> r =
        net.http.send(
            HttpRequest.newBuilder(URI.create(net.clientHttp() + "/listClients"))
                .header("Accept", "text/xml;q=1.0, application/json;q=0.5")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
    List<?> members = (List<?>) Json.mapper().readValue(r.body(), Map.class).get("member");
    assertThat(members).hasSize(5);
    assertThat(r.body()) // PR-META's example JSON, member order and all
        .contains(
            "{\"id\":{\"member_class\":\"GOV\",\"member_code\":\"000.00.00.G01\","
                + "\"subsystem_code\":\"CSDLQGDC\",\"object_type\":\"SUBSYSTEM\","
                + "\"xroad_instance\":\"VN\"},\"name\":\"Bộ Công an\","
                + "\"subsystem_name\":\"CSDL quốc gia về dân cư\"}");

    HttpResponse<String> wildcard =
        net.http.send(
            HttpRequest.newBuilder(URI.create(net.clientHttp() + "/listClients?xRoadInstance=EE"))
                .header("Accept", "*/*")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(wildcard.headers().firstValue("Content-Type")).hasValue("text/xml; charset=utf-8");
    validateAgainstPrMetaSchema(wildcard.body());
    assertThat(
            parseHardened(wildcard.body())
                .getDocumentElement()
                .getElementsByTagNameNS(XROAD, "member")
                .getLength())
        .isZero();
  }

  @Test
  void listMethodsListsTheOpenApiDocumentsEndpointsWithTheExchangesCorrelationHeaders()
      throws Exception {
    registerDocument(CITIZENS_YAML);
    HttpResponse<String> r =
        call(PROVIDER + "listMethods", TwoGateways.PORTAL.toString(), Map.of("X-Road-Id", "q-1"));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.body())
        .isEqualTo(
            "{\"service\":[{\"member_class\":\"GOV\",\"member_code\":\"000.00.00.G01\","
                + "\"object_type\":\"SERVICE\",\"service_code\":\"citizens\","
                + "\"service_type\":\"OPENAPI\",\"subsystem_code\":\"CSDLQGDC\","
                + "\"xroad_instance\":\"VN\",\"endpoint_list\":["
                + "{\"method\":\"GET\",\"path\":\"/citizens/*\"},"
                + "{\"method\":\"POST\",\"path\":\"/citizens/*\"},"
                + "{\"method\":\"GET\",\"path\":\"/citizens\"},"
                + "{\"method\":\"DELETE\",\"path\":\"/stats\"}]}]}");
    assertThat(r.headers().firstValue("X-Road-Id")).hasValue("q-1");
    assertThat(r.headers().firstValue("X-Road-Client")).hasValue(TwoGateways.PORTAL.toString());
    assertThat(r.headers().firstValue("X-Road-Service"))
        .hasValue("VN/GOV/000.00.00.G01/CSDLQGDC/listMethods");
    assertThat(r.headers().firstValue("X-Road-Request-Id")).get().asString().hasSize(36);
    assertThat(r.headers().firstValue("X-Road-Request-Hash"))
        .get()
        .asString()
        .matches("[A-Za-z0-9+/]{86}==");
    HttpResponse<String> again =
        call(PROVIDER + "listMethods", TwoGateways.PORTAL.toString(), Map.of("X-Road-Id", "q-1"));
    assertThat(again.headers().firstValue("X-Road-Request-Id"))
        .isNotEqualTo(r.headers().firstValue("X-Road-Request-Id"));
  }

  @Test
  void allowedMethodsListsOnlyTheDocumentsEndpointsAGrantAdmits() throws Exception {
    registerDocument(CITIZENS_YAML); // the portal's grant: GET and POST on /citizens/*
    Map<?, ?> allowed = json(PROVIDER + "allowedMethods");
    assertThat(Json.writeString(allowed))
        .contains("\"service_type\":\"OPENAPI\"")
        .contains(
            "\"endpoint_list\":[{\"method\":\"GET\",\"path\":\"/citizens/*\"},"
                + "{\"method\":\"POST\",\"path\":\"/citizens/*\"}]");

    HttpResponse<String> other =
        net.http.send(
            HttpRequest.newBuilder(URI.create(net.clientHttp() + PROVIDER + "allowedMethods"))
                .header("Authorization", "Bearer " + net.token("other", TwoGateways.OTHER_SECRET))
                .header("X-Road-Client", TwoGateways.OTHER_SYSTEM.toString())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(other.body()).isEqualTo("{\"service\":[]}");
  }

  @Test
  void withoutADocumentTheServiceIsRestWithNoEndpointsAsXRoadLeavesOutTheBaseEndpoint()
      throws Exception {
    assertThat(Json.writeString(json(PROVIDER + "listMethods")))
        .contains("\"service_type\":\"REST\"")
        .contains("\"endpoint_list\":[]");
  }

  @Test
  void getOpenApiReturnsTheRegisteredDocumentWithTheBackendHostRemoved() throws Exception {
    registerDocument(CITIZENS_YAML);
    HttpResponse<String> r =
        call(PROVIDER + "getOpenAPI?serviceCode=citizens", TwoGateways.PORTAL.toString(), Map.of());

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("text/yaml; charset=utf-8");
    assertThat(r.headers().firstValue("X-Road-Request-Hash")).isPresent();
    Map<?, ?> doc =
        new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readValue(r.body(), Map.class);
    assertThat(doc.get("servers").toString())
        .isEqualTo("[{url=/api}, {url=https://{region}.example.vn/api}]");
    assertThat(List.copyOf(((Map<?, ?>) doc.get("paths")).keySet()).toString())
        .isEqualTo("[/citizens/{personalId}, /citizens, /stats]");
    assertThat(r.body()).doesNotContain("population.internal");

    registerDocument(
        "{\"openapi\":\"3.1.0\",\"servers\":[{\"url\":\"http://10.0.0.5/v1\"}],\"paths\":{}}");
    HttpResponse<String> asJson =
        call(PROVIDER + "getOpenAPI?serviceCode=citizens", TwoGateways.PORTAL.toString(), Map.of());
    assertThat(asJson.headers().firstValue("Content-Type"))
        .hasValue("application/json; charset=utf-8");
    assertThat(asJson.body())
        .isEqualTo("{\"openapi\":\"3.1.0\",\"servers\":[{\"url\":\"/v1\"}],\"paths\":{}}");
  }

  @Test
  void getOpenApiRefusesAMissingServiceCodeAnUnknownServiceAndAServiceWithoutADocument()
      throws Exception {
    String portal = TwoGateways.PORTAL.toString();
    HttpResponse<String> missing = call(PROVIDER + "getOpenAPI", portal, Map.of());
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(missing.body()).contains("serviceCode");

    HttpResponse<String> empty = call(PROVIDER + "getOpenAPI?serviceCode=&x=1", portal, Map.of());
    assertThat(empty.statusCode()).isEqualTo(400);
    HttpResponse<String> badCode =
        call(PROVIDER + "getOpenAPI?serviceCode=a%2Fb", portal, Map.of());
    assertThat(badCode.statusCode()).as(badCode.body()).isEqualTo(400);
    assertThat(badCode.body()).contains("identifier.invalid");
    HttpResponse<String> anyCase =
        call(PROVIDER + "getOpenAPI?SERVICECODE=nosuch", portal, Map.of());
    assertThat(anyCase.body()).contains("service.unknown"); // the name is matched ignoring case

    HttpResponse<String> unknown =
        call(PROVIDER + "getOpenAPI?serviceCode=nosuch", portal, Map.of());
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).contains("service.unknown");

    HttpResponse<String> none =
        call(PROVIDER + "getOpenAPI?serviceCode=citizens", portal, Map.of());
    assertThat(none.statusCode()).isEqualTo(404);
    assertThat(none.body()).contains("resource.not_found");
  }

  @Test
  void metaservicesOfTheR1ApiStillNeedTheClientsCredentials() throws Exception {
    HttpResponse<String> r =
        net.http.send(
            HttpRequest.newBuilder(URI.create(net.clientHttp() + PROVIDER + "listMethods"))
                .header("Accept", "application/problem+json") // OpenLGSP statuses.header("Accept",
                // "application/problem+json") // OpenLGSP statuses
                .header("X-Road-Client", TwoGateways.PORTAL.toString())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(401);
  }

  /**
   * Validates against PR-META's clientList schema (test resources): elements, their order,
   * namespaces and the objectType values. The schemas are local files; nothing else is fetched.
   */
  static void validateAgainstPrMetaSchema(String xml) throws Exception {
    javax.xml.validation.SchemaFactory f =
        javax.xml.validation.SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
    f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
    f.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    f.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "file");
    javax.xml.validation.Validator v =
        f.newSchema(MetaServicesTest.class.getResource("/xroad/clientList.xsd")).newValidator();
    v.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    v.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
    v.validate(new javax.xml.transform.stream.StreamSource(new java.io.StringReader(xml)));
  }

  @Test
  void theSchemaCheckRefusesAClientListThatIsNotPrMetas() {
    String wrongNamespace = "<clientList xmlns=\"http://example.org/x\"><member/></clientList>";
    String idWithoutType =
        "<ns2:clientList xmlns:ns1=\"http://x-road.eu/xsd/identifiers\""
            + " xmlns:ns2=\"http://x-road.eu/xsd/xroad.xsd\"><ns2:member><ns2:id>"
            + "<ns1:xRoadInstance>VN</ns1:xRoadInstance><ns1:memberClass>GOV</ns1:memberClass>"
            + "<ns1:memberCode>G01</ns1:memberCode></ns2:id></ns2:member></ns2:clientList>";
    for (String xml : List.of(wrongNamespace, idWithoutType)) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> validateAgainstPrMetaSchema(xml))
          .isInstanceOf(org.xml.sax.SAXException.class);
    }
  }

  /** Parses as a hostile document would be parsed: no DTDs, no external entities. */
  static Document parseHardened(String xml) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
    f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
    f.setXIncludeAware(false);
    f.setExpandEntityReferences(false);
    return f.newDocumentBuilder()
        .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
  }

  private static String childText(Element parent, String ns, String name) {
    NodeList l = parent.getElementsByTagNameNS(ns, name);
    assertThat(l.getLength()).as(name).isEqualTo(1);
    return l.item(0).getTextContent();
  }
}
