package org.openlgsp.core;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;
import java.util.Objects;

/**
 * A service: {@code INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE}, always five parts (as X-Road does).
 */
public record ServiceId(ClientId provider, String serviceCode) {
  public ServiceId {
    Objects.requireNonNull(provider, "provider");
    if (!provider.isSubsystem()) {
      throw Identifiers.invalid("service provider " + provider + " must be a subsystem");
    }
    Identifiers.requirePart("service code", serviceCode);
  }

  public static ServiceId of(
      String instance, String memberClass, String memberCode, String subsystem, String service) {
    return new ServiceId(ClientId.subsystem(instance, memberClass, memberCode, subsystem), service);
  }

  @JsonCreator
  public static ServiceId parse(String encoded) {
    List<String> p = Identifiers.split("service identifier", encoded, 5, 5);
    return of(p.get(0), p.get(1), p.get(2), p.get(3), p.get(4));
  }

  public String encoded() {
    return provider.encoded() + "/" + Identifiers.encode(serviceCode);
  }

  @JsonValue
  @Override
  public String toString() {
    return provider + "/" + serviceCode;
  }
}
