package org.openlgsp.core;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;
import java.util.Optional;

/**
 * A service client: {@code INSTANCE/CLASS/MEMBER[/SUBSYSTEM]}. A member of class {@value
 * #GOVERNMENT} must carry a Decision 20/2020 agency code.
 */
public record ClientId(
    String instance, String memberClass, String memberCode, String subsystemCode) {
  /** The member class of state agencies, whose member codes are Decision 20/2020 agency codes. */
  public static final String GOVERNMENT = "GOV";

  public ClientId {
    Identifiers.requirePart("instance", instance);
    Identifiers.requirePart("member class", memberClass);
    Identifiers.requirePart("member code", memberCode);
    if (subsystemCode == null) {
      throw Identifiers.invalid("subsystem code is null; use ClientId.member(...) for a member");
    }
    if (!subsystemCode.isEmpty()) {
      Identifiers.requirePart("subsystem code", subsystemCode);
    }
    if (GOVERNMENT.equals(memberClass)) {
      AgencyCode.parse(memberCode);
    }
  }

  public static ClientId member(String instance, String memberClass, String memberCode) {
    return new ClientId(instance, memberClass, memberCode, "");
  }

  public static ClientId subsystem(
      String instance, String memberClass, String memberCode, String subsystemCode) {
    if (subsystemCode == null || subsystemCode.isEmpty()) {
      throw Identifiers.invalid("subsystem code is empty");
    }
    return new ClientId(instance, memberClass, memberCode, subsystemCode);
  }

  /** Parses the percent-encoded form used in headers and URLs. */
  @JsonCreator
  public static ClientId parse(String encoded) {
    List<String> p = Identifiers.split("client identifier", encoded, 3, 4);
    return p.size() == 3
        ? member(p.get(0), p.get(1), p.get(2))
        : subsystem(p.get(0), p.get(1), p.get(2), p.get(3));
  }

  public Optional<String> subsystem() {
    return subsystemCode.isEmpty() ? Optional.empty() : Optional.of(subsystemCode);
  }

  /** The member this client belongs to (itself when it is a member). */
  public ClientId memberId() {
    return subsystemCode.isEmpty() ? this : member(instance, memberClass, memberCode);
  }

  public boolean isSubsystem() {
    return !subsystemCode.isEmpty();
  }

  public String encoded() {
    String base =
        Identifiers.encode(instance)
            + "/"
            + Identifiers.encode(memberClass)
            + "/"
            + Identifiers.encode(memberCode);
    return subsystemCode.isEmpty() ? base : base + "/" + Identifiers.encode(subsystemCode);
  }

  @JsonValue
  @Override
  public String toString() {
    String base = instance + "/" + memberClass + "/" + memberCode;
    return subsystemCode.isEmpty() ? base : base + "/" + subsystemCode;
  }
}
