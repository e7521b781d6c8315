package org.openlgsp.registry;

import java.util.List;
import java.util.Objects;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;

/** JSON bodies of the admin API; each validates its shape, the registry validates meaning. */
final class AdminRequests {
  private AdminRequests() {}

  record Enrolment(String kind, String target, String csr) {
    Enrolment {
      required(kind, "kind");
      required(target, "target");
      required(csr, "csr");
    }
  }

  record TrustAnchor(String certificate) {
    TrustAnchor {
      required(certificate, "certificate");
    }
  }

  record Rejection(String reason) {
    Rejection {
      required(reason, "reason");
    }
  }

  record Member(String id, String name) {
    Member {
      required(id, "id");
      required(name, "name");
    }
  }

  record SigningCertificate(String member, String certificate) {
    SigningCertificate {
      required(member, "member");
      required(certificate, "certificate");
    }
  }

  record Node(String id, String address, List<String> tlsCertificates) {
    Node {
      required(id, "id");
      required(address, "address");
      tlsCertificates = tlsCertificates == null ? List.of() : List.copyOf(tlsCertificates);
    }
  }

  record NodeCertificate(String node, String certificate) {
    NodeCertificate {
      required(node, "node");
      required(certificate, "certificate");
    }
  }

  record SystemEntry(String id, String name, String node) {
    SystemEntry {
      required(id, "id");
      required(name, "name");
      required(node, "node");
    }
  }

  record Service(String id, String backendUrl, String subjectLocator, String openapi) {
    Service {
      required(id, "id");
      required(backendUrl, "backendUrl");
      subjectLocator = subjectLocator == null ? "" : subjectLocator;
    }
  }

  record Grant(String client, String service, List<String> methods, List<String> pathPatterns) {
    Grant {
      required(client, "client");
      required(service, "service");
      methods = methods == null ? List.of() : List.copyOf(methods);
      pathPatterns = pathPatterns == null ? List.of() : List.copyOf(pathPatterns);
    }
  }

  private static void required(String value, String name) {
    if (Objects.requireNonNullElse(value, "").isBlank()) {
      throw new LgspException(ErrorCode.REQUEST_MALFORMED, name + " is required");
    }
  }
}
