package org.openlgsp.gateway;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.Directory;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.OpenApiDocument;
import org.openlgsp.core.ServiceId;

/**
 * X-Road's metaservices (PR-META 2.16, PR-MREST), answered by the consumer gateway from the signed
 * directory: {@code listClients} (XML {@code clientList} by default, JSON on request), and {@code
 * listMethods} / {@code allowedMethods} / {@code getOpenAPI} of a provider subsystem, in the JSON
 * shapes of the protocols' examples (snake_case).
 */
final class MetaServices {
  static final String LIST_METHODS = "listMethods";
  static final String ALLOWED_METHODS = "allowedMethods";
  static final String GET_OPENAPI = "getOpenAPI";
  static final Set<String> SERVICE_CODES = Set.of(LIST_METHODS, ALLOWED_METHODS, GET_OPENAPI);
  static final String XROAD_NS = "http://x-road.eu/xsd/xroad.xsd";
  static final String IDENTIFIERS_NS = "http://x-road.eu/xsd/identifiers";

  private MetaServices() {}

  /** X-Road answers metaservices for GET only; any other method is an ordinary service call. */
  static boolean isMetaService(String method, R1Target target) {
    return method.equals("GET")
        && SERVICE_CODES.contains(target.service().serviceCode())
        && target.path().isEmpty();
  }

  /** An X-Road identifier as PR-META's JSON writes it. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  @JsonPropertyOrder({
    "member_class",
    "member_code",
    "subsystem_code",
    "object_type",
    "xroad_instance"
  })
  record Identifier(
      @JsonProperty("member_class") String memberClass,
      @JsonProperty("member_code") String memberCode,
      @JsonProperty("subsystem_code") String subsystemCode,
      @JsonProperty("object_type") String objectType,
      @JsonProperty("xroad_instance") String instance) {
    static Identifier of(ClientId id) {
      return new Identifier(
          id.memberClass(),
          id.memberCode(),
          id.subsystem().orElse(""),
          id.isSubsystem() ? "SUBSYSTEM" : "MEMBER",
          id.instance());
    }
  }

  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  @JsonPropertyOrder({"id", "name", "subsystem_name"})
  record Client(Identifier id, String name, @JsonProperty("subsystem_name") String subsystemName) {}

  /** {@code clientList}. */
  record ClientList(List<Client> member) {}

  record Endpoint(String method, String path) {}

  @JsonPropertyOrder({
    "member_class",
    "member_code",
    "object_type",
    "service_code",
    "service_type",
    "subsystem_code",
    "xroad_instance",
    "endpoint_list"
  })
  record Service(
      @JsonProperty("member_class") String memberClass,
      @JsonProperty("member_code") String memberCode,
      @JsonProperty("object_type") String objectType,
      @JsonProperty("service_code") String serviceCode,
      @JsonProperty("service_type") String serviceType,
      @JsonProperty("subsystem_code") String subsystemCode,
      @JsonProperty("xroad_instance") String instance,
      @JsonProperty("endpoint_list") List<Endpoint> endpoints) {}

  /** {@code restServiceDetailsListType}. */
  record ServiceList(List<Service> service) {}

  /**
   * Members and subsystems of {@code instance} (X-Road: the gateway's own instance when the request
   * names none).
   */
  static ClientList listClients(Directory d, String instance) {
    List<Client> members = new ArrayList<>();
    for (Directory.Member m : d.members()) {
      if (instance.equals(m.id().instance())) {
        members.add(new Client(Identifier.of(m.id()), m.name(), ""));
      }
    }
    for (Directory.SystemEntry s : d.systems()) {
      if (instance.equals(s.id().instance())) {
        String memberName = d.member(s.id()).map(Directory.Member::name).orElse("");
        members.add(new Client(Identifier.of(s.id()), memberName, s.name()));
      }
    }
    return new ClientList(members);
  }

  /**
   * PR-META's {@code clientList} element, namespaces and prefixes as X-Road's proxy writes them.
   */
  static byte[] clientListXml(ClientList list) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      XMLStreamWriter w = XMLOutputFactory.newFactory().createXMLStreamWriter(out, "UTF-8");
      w.writeStartDocument("UTF-8", "1.0");
      w.setPrefix("ns1", IDENTIFIERS_NS);
      w.setPrefix("ns2", XROAD_NS);
      w.writeStartElement("ns2", "clientList", XROAD_NS);
      w.writeNamespace("ns1", IDENTIFIERS_NS);
      w.writeNamespace("ns2", XROAD_NS);
      for (Client c : list.member()) {
        w.writeStartElement(XROAD_NS, "member");
        w.writeStartElement(XROAD_NS, "id");
        w.writeAttribute("ns1", IDENTIFIERS_NS, "objectType", c.id().objectType());
        text(w, IDENTIFIERS_NS, "xRoadInstance", c.id().instance());
        text(w, IDENTIFIERS_NS, "memberClass", c.id().memberClass());
        text(w, IDENTIFIERS_NS, "memberCode", c.id().memberCode());
        if (!c.id().subsystemCode().isEmpty()) {
          text(w, IDENTIFIERS_NS, "subsystemCode", c.id().subsystemCode());
        }
        w.writeEndElement();
        text(w, XROAD_NS, "name", c.name());
        if (!c.subsystemName().isEmpty()) {
          text(w, XROAD_NS, "subsystemName", c.subsystemName());
        }
        w.writeEndElement();
      }
      w.writeEndElement();
      w.writeEndDocument();
      w.close();
    } catch (XMLStreamException e) {
      throw new IllegalStateException("cannot write clientList", e);
    }
    return out.toByteArray();
  }

  private static void text(XMLStreamWriter w, String ns, String name, String value)
      throws XMLStreamException {
    w.writeStartElement(ns, name);
    w.writeCharacters(value);
    w.writeEndElement();
  }

  /**
   * Services of {@code provider}: {@code service_type} OPENAPI with the document's endpoints when
   * an OpenAPI document is registered, else REST with no endpoints (X-Road leaves the service's
   * base endpoint out). For {@code allowedMethods} only services {@code client} holds a grant for,
   * each with the endpoints a grant admits.
   */
  static ServiceList methods(
      DirectoryView view, ClientId provider, ClientId client, boolean onlyAllowed) {
    List<Service> services = new ArrayList<>();
    for (Directory.Service s : view.directory().services()) {
      if (!s.id().provider().equals(provider)) {
        continue;
      }
      List<Directory.Grant> grants = onlyAllowed ? view.grants(client, s.id()) : List.of();
      if (onlyAllowed && grants.isEmpty()) {
        continue;
      }
      Optional<OpenApiDocument> doc = view.openApi(s.id());
      List<Endpoint> endpoints = new ArrayList<>();
      for (OpenApiDocument.Endpoint e : doc.map(OpenApiDocument::endpoints).orElse(List.of())) {
        if (!onlyAllowed || GrantMatcher.admits(grants, e.method(), e.path())) {
          endpoints.add(new Endpoint(e.method(), e.path()));
        }
      }
      services.add(service(s.id(), doc.isPresent() ? "OPENAPI" : "REST", endpoints));
    }
    return new ServiceList(services);
  }

  /** {@code getOpenAPI?serviceCode=}: the registered document of one of the provider's services. */
  static OpenApiDocument openApi(DirectoryView view, ClientId provider, String query) {
    ServiceId id;
    try {
      id = new ServiceId(provider, serviceCode(query));
    } catch (IllegalArgumentException e) {
      throw new LgspException(ErrorCode.IDENTIFIER_INVALID, "serviceCode: " + e.getMessage());
    }
    if (view.service(id).isEmpty()) {
      throw new LgspException(
          ErrorCode.SERVICE_UNKNOWN, "service " + id + " is not in the directory");
    }
    return view.openApi(id)
        .orElseThrow(
            () ->
                new LgspException(
                    ErrorCode.RESOURCE_NOT_FOUND, "service " + id + " has no OpenAPI document"));
  }

  /** The {@code serviceCode} query parameter, its name matched ignoring case as X-Road does. */
  private static String serviceCode(String rawQuery) {
    try {
      io.helidon.common.uri.UriQuery query = io.helidon.common.uri.UriQuery.create(rawQuery);
      for (String name : query.names()) {
        if (name.equalsIgnoreCase("serviceCode")) {
          for (String value : query.all(name)) {
            if (!value.isEmpty()) {
              return value;
            }
          }
        }
      }
    } catch (IllegalArgumentException e) {
      throw malformed("the query is not percent-encoded correctly");
    }
    throw malformed("getOpenAPI needs the query parameter serviceCode");
  }

  private static LgspException malformed(String detail) {
    return new LgspException(ErrorCode.REQUEST_MALFORMED, detail);
  }

  private static Service service(ServiceId id, String type, List<Endpoint> endpoints) {
    return new Service(
        id.provider().memberClass(),
        id.provider().memberCode(),
        "SERVICE",
        id.serviceCode(),
        type,
        id.provider().subsystemCode(),
        id.provider().instance(),
        endpoints);
  }
}
