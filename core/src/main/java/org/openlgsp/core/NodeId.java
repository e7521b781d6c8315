package org.openlgsp.core;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;
import java.util.Objects;

/**
 * A gateway node (an X-Road security server): {@code INSTANCE/CLASS/MEMBER/NODECODE}, owned by the
 * member in its first three parts.
 */
public record NodeId(ClientId owner, String nodeCode) {
  public NodeId {
    Objects.requireNonNull(owner, "owner");
    if (owner.isSubsystem()) {
      throw Identifiers.invalid("node owner " + owner + " must be a member, not a subsystem");
    }
    Identifiers.requirePart("node code", nodeCode);
  }

  @JsonCreator
  public static NodeId parse(String encoded) {
    List<String> p = Identifiers.split("node identifier", encoded, 4, 4);
    return new NodeId(ClientId.member(p.get(0), p.get(1), p.get(2)), p.get(3));
  }

  public String encoded() {
    return owner.encoded() + "/" + Identifiers.encode(nodeCode);
  }

  @JsonValue
  @Override
  public String toString() {
    return owner + "/" + nodeCode;
  }
}
