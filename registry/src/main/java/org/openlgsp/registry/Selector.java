package org.openlgsp.registry;

import org.openlgsp.core.ClientId;
import org.openlgsp.core.ServiceId;

/**
 * One line of a federation agreement's filter: member class, member code, subsystem code and
 * service code, each empty (or absent in JSON) for "any".
 */
public record Selector(
    String memberClass, String memberCode, String subsystemCode, String serviceCode) {
  public Selector {
    memberClass = memberClass == null ? "" : memberClass;
    memberCode = memberCode == null ? "" : memberCode;
    subsystemCode = subsystemCode == null ? "" : subsystemCode;
    serviceCode = serviceCode == null ? "" : serviceCode;
  }

  /** Every client or service of the given member class. */
  public static Selector memberClass(String memberClass) {
    return new Selector(memberClass, "", "", "");
  }

  public static Selector member(String memberClass, String memberCode) {
    return new Selector(memberClass, memberCode, "", "");
  }

  /** Exactly this service. */
  public static Selector service(ServiceId id) {
    ClientId p = id.provider();
    return new Selector(p.memberClass(), p.memberCode(), p.subsystemCode(), id.serviceCode());
  }

  /** True when {@code client} matches; a selector naming a service code matches no client. */
  public boolean matches(ClientId client) {
    return serviceCode.isEmpty() && matchesProvider(client);
  }

  public boolean matches(ServiceId service) {
    return matchesProvider(service.provider()) && any(serviceCode, service.serviceCode());
  }

  private boolean matchesProvider(ClientId c) {
    return any(memberClass, c.memberClass())
        && any(memberCode, c.memberCode())
        && any(subsystemCode, c.subsystemCode());
  }

  private static boolean any(String wanted, String actual) {
    return wanted.isEmpty() || wanted.equals(actual);
  }
}
