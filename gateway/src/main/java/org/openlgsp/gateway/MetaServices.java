package org.openlgsp.gateway;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.Directory;
import org.openlgsp.core.PathPattern;
import org.openlgsp.core.ServiceId;

/**
 * X-Road's REST metaservices (PR-MREST), answered by the consumer gateway from the signed
 * directory: {@code listClients}, and {@code listMethods} / {@code allowedMethods} of a provider
 * subsystem. The JSON shapes follow the protocol's published examples (snake_case).
 */
final class MetaServices {
  static final Set<String> SERVICE_CODES = Set.of("listMethods", "allowedMethods");

  private MetaServices() {}

  static boolean isMetaService(R1Target target) {
    return SERVICE_CODES.contains(target.service().serviceCode()) && target.path().isEmpty();
  }

  static Map<String, Object> listClients(Directory d, String instanceFilter) {
    List<Map<String, Object>> members = new ArrayList<>();
    for (Directory.Member m : d.members()) {
      if (instanceFilter.isEmpty() || instanceFilter.equals(m.id().instance())) {
        members.add(entry(m.id(), m.name()));
      }
    }
    for (Directory.SystemEntry s : d.systems()) {
      if (instanceFilter.isEmpty() || instanceFilter.equals(s.id().instance())) {
        Map<String, Object> e =
            entry(s.id(), d.member(s.id()).map(Directory.Member::name).orElse(""));
        e.put("subsystem_name", s.name());
        members.add(e);
      }
    }
    return Map.of("member", members);
  }

  /**
   * Services of {@code provider}; for {@code allowedMethods} only those {@code client} may call.
   */
  static Map<String, Object> methods(
      DirectoryView view, ClientId provider, ClientId client, boolean onlyAllowed) {
    List<Map<String, Object>> services = new ArrayList<>();
    for (Directory.Service s : view.directory().services()) {
      if (!s.id().provider().equals(provider)) {
        continue;
      }
      List<Map<String, String>> endpoints = new ArrayList<>();
      if (onlyAllowed) {
        for (Directory.Grant g : view.grants(client, s.id())) {
          List<String> methods = g.methods().isEmpty() ? List.of("*") : g.methods();
          List<String> paths =
              g.pathPatterns().isEmpty()
                  ? List.of("/**")
                  : g.pathPatterns().stream().map(PathPattern::toString).toList();
          for (String m : methods) {
            for (String p : paths) {
              endpoints.add(Map.of("method", m, "path", p));
            }
          }
        }
        if (endpoints.isEmpty()) {
          continue;
        }
      } else {
        endpoints.add(Map.of("method", "*", "path", "/**"));
      }
      services.add(service(s.id(), endpoints));
    }
    return Map.of("service", services);
  }

  private static Map<String, Object> service(ServiceId id, List<Map<String, String>> endpoints) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("object_type", "SERVICE");
    m.put("xroad_instance", id.provider().instance());
    m.put("member_class", id.provider().memberClass());
    m.put("member_code", id.provider().memberCode());
    m.put("subsystem_code", id.provider().subsystemCode());
    m.put("service_code", id.serviceCode());
    m.put("service_type", "REST");
    m.put("endpoint_list", endpoints);
    return m;
  }

  private static Map<String, Object> entry(ClientId id, String name) {
    Map<String, Object> ident = new LinkedHashMap<>();
    ident.put("object_type", id.isSubsystem() ? "SUBSYSTEM" : "MEMBER");
    ident.put("xroad_instance", id.instance());
    ident.put("member_class", id.memberClass());
    ident.put("member_code", id.memberCode());
    id.subsystem().ifPresent(s -> ident.put("subsystem_code", s));
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("id", ident);
    e.put("name", name);
    return e;
  }
}
