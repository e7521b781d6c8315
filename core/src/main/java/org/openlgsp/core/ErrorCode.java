package org.openlgsp.core;

/**
 * Every failure a client can see, with a stable code, its HTTP status and the X-Road error type put
 * in the {@code X-Road-Error} header. Codes are part of the public contract: never rename one.
 */
public enum ErrorCode {
  REQUEST_MALFORMED("request.malformed", 400, "Client.BadRequest", "Malformed request"),
  REQUEST_TOO_LARGE("request.too_large", 413, "Client.InvalidBody", "Request body too large"),
  PATH_UNSAFE(
      "request.path_unsafe",
      400,
      "Client.BadRequest",
      "Service path could reach another resource than the one granted"),
  IDENTIFIER_INVALID(
      "identifier.invalid", 400, "Client.InvalidClientIdentifier", "Invalid identifier"),
  PROTOCOL_UNSUPPORTED(
      "protocol.unsupported", 400, "Client.InvalidProtocolVersion", "Unsupported protocol version"),
  HEADER_MISSING("header.missing", 400, "Client.MissingHeader", "Required header missing"),
  CLIENT_UNAUTHENTICATED(
      "client.unauthenticated",
      401,
      "Client.SslAuthenticationFailed",
      "Client system not authenticated"),
  TOKEN_INVALID("token.invalid", 401, "Client.SslAuthenticationFailed", "Invalid access token"),
  CLIENT_MISMATCH(
      "client.mismatch",
      403,
      "Client.InconsistentHeaders",
      "X-Road-Client does not match the authenticated system"),
  CLIENT_UNKNOWN("client.unknown", 403, "Server.ServerProxy.UnknownMember", "Unknown client"),
  SERVICE_UNKNOWN("service.unknown", 404, "Server.ClientProxy.UnknownService", "Unknown service"),
  SECURITY_SERVER_INVALID(
      "request.security_server_invalid",
      400,
      "Server.ClientProxy.InvalidSecurityServer",
      "X-Road-Security-Server names no gateway serving the service"),
  ACCESS_DENIED("access.denied", 403, "Server.ServerProxy.AccessDenied", "Access denied"),
  SIGNATURE_INVALID(
      "signature.invalid", 403, "Server.ServerProxy.InvalidSignature", "Invalid request signature"),
  RESPONSE_INVALID(
      "response.invalid",
      502,
      "Server.ClientProxy.InvalidResponse",
      "Provider response failed verification"),
  MESSAGE_REPLAYED(
      "message.replayed", 409, "Server.ServerProxy.InvalidMessage", "Message replayed"),
  MESSAGE_EXPIRED(
      "message.expired",
      400,
      "Server.ServerProxy.InvalidMessage",
      "Message time outside the accepted window"),
  DIRECTORY_EXPIRED(
      "directory.expired", 503, "Server.ClientProxy.OutdatedGlobalConf", "Directory expired"),
  DIRECTORY_INVALID(
      "directory.invalid", 502, "Server.ClientProxy.OutdatedGlobalConf", "Directory invalid"),
  PEER_UNTRUSTED(
      "peer.untrusted",
      502,
      "Server.ClientProxy.SslAuthenticationFailed",
      "Peer gateway certificate not trusted"),
  PEER_UNREACHABLE(
      "peer.unreachable", 502, "Server.ClientProxy.NetworkError", "Provider gateway unreachable"),
  BACKEND_UNREACHABLE(
      "backend.unreachable",
      502,
      "Server.ServerProxy.ServiceFailed",
      "Backend service unreachable"),
  SERVER_OVERLOADED(
      "server.overloaded",
      503,
      "Server.Overloaded",
      "Gateway at its limit of concurrent exchanges"),
  LEDGER_UNAVAILABLE(
      "ledger.unavailable", 503, "Server.ServerProxy.DatabaseError", "Ledger unavailable"),
  ADMIN_UNAUTHENTICATED(
      "admin.unauthenticated", 401, "Client.Unauthorized", "Administrator not authenticated"),
  AUTHENTICATION_THROTTLED(
      "authentication.throttled",
      429,
      "Client.TooManyRequests",
      "Too many failed authentications from this address"),
  // Rate limits and quotas of the gateways (docs/protocol.md, "Rate limits and quotas"): always
  // sent with Retry-After, and 429 in X-Road's format too.
  RATE_LIMITED(
      "rate.limited",
      429,
      "Client.TooManyRequests",
      "Rate limit of this client or service reached"),
  QUOTA_EXHAUSTED(
      "quota.exhausted", 429, "Client.QuotaExceeded", "Daily quota of this client used up"),
  ADMIN_FORBIDDEN("admin.forbidden", 403, "Client.AccessDenied", "Administrator not allowed"),
  CONSOLE_UNAUTHENTICATED(
      "console.unauthenticated", 401, "Client.Unauthorized", "Console sign-in required or refused"),
  CONSOLE_CSRF_INVALID(
      "console.csrf_invalid", 403, "Client.AccessDenied", "Missing or wrong anti-forgery token"),
  CONSOLE_GATEWAY_UNAVAILABLE(
      "console.gateway_unavailable",
      502,
      "Server.ServerProxy.NetworkError",
      "A gateway's operator API did not answer or refused the console"),
  CONSOLE_OIDC_UNAVAILABLE(
      "console.oidc_unavailable",
      502,
      "Server.ServerProxy.NetworkError",
      "The console's OpenID provider did not answer or answered wrongly"),
  RESOURCE_NOT_FOUND("resource.not_found", 404, "Client.NotFound", "Resource not found"),
  RESOURCE_CONFLICT("resource.conflict", 409, "Client.Conflict", "Resource already exists"),
  METHOD_NOT_ALLOWED(
      "request.method_not_allowed", 405, "Client.InvalidHttpMethod", "Method not allowed"),
  // Federation of instances (docs/federation.md).
  FEDERATION_NOT_AGREED(
      "federation.not_agreed",
      403,
      "Server.ClientProxy.AccessDenied",
      "Not allowed by the federation agreement"),
  FEDERATION_CATALOGUE_INVALID(
      "federation.catalogue_invalid",
      502,
      "Server.ClientProxy.OutdatedGlobalConf",
      "Federated catalogue invalid"),
  FEDERATION_CATALOGUE_EXPIRED(
      "federation.catalogue_expired",
      503,
      "Server.ClientProxy.OutdatedGlobalConf",
      "Federated catalogue expired"),
  // Hub mode: a message relayed through a hub must be sealed (encrypted end to end) to a key
  // of the receiving member; anything else is refused, never passed on or read.
  FEDERATION_SEAL_INVALID(
      "federation.seal_invalid",
      400,
      "Client.InvalidBody",
      "Sealed message missing, malformed or not for this member"),
  FEDERATION_AGREEMENT_INVALID(
      "federation.agreement_invalid", 400, "Client.BadRequest", "Federation agreement invalid"),
  FEDERATION_SUMMARY_INVALID(
      "federation.summary_invalid", 400, "Client.BadRequest", "Statistics summary invalid"),
  // Trust services (pki): certificate requests, certificate validation, revocation, timestamps.
  CSR_MALFORMED("csr.malformed", 400, "Client.BadRequest", "Malformed certificate signing request"),
  CSR_KEY_UNSUPPORTED(
      "csr.key_unsupported",
      400,
      "Client.BadRequest",
      "Key type not allowed for this kind of certificate"),
  CERTIFICATE_KEY_USAGE(
      "certificate.key_usage",
      403,
      "Server.CertValidation",
      "Certificate not issued for this purpose"),
  CERTIFICATE_EXPIRED("certificate.expired", 403, "Server.CertValidation", "Certificate expired"),
  CERTIFICATE_NOT_YET_VALID(
      "certificate.not_yet_valid", 403, "Server.CertValidation", "Certificate not yet valid"),
  CERTIFICATE_REVOKED("certificate.revoked", 403, "Server.CertValidation", "Certificate revoked"),
  CERTIFICATE_ISSUER_UNKNOWN(
      "certificate.issuer_unknown",
      403,
      "Server.CertValidation",
      "Certificate not issued by a trusted CA"),
  OCSP_STALE("ocsp.stale", 403, "Server.CertValidation", "OCSP response too old"),
  OCSP_UNAVAILABLE(
      "ocsp.unavailable", 503, "Server.OcspFailed", "Certificate status cannot be obtained"),
  OCSP_INVALID("ocsp.invalid", 502, "Server.OcspFailed", "OCSP response failed verification"),
  TIMESTAMP_UNAVAILABLE(
      "timestamp.unavailable", 503, "Server.TimestampFailed", "Time-stamp authority unavailable"),
  TIMESTAMP_INVALID(
      "timestamp.invalid", 502, "Server.TimestampFailed", "Time-stamp token failed verification"),
  TIMESTAMP_UNTRUSTED(
      "timestamp.untrusted",
      502,
      "Server.TimestampFailed",
      "Time-stamp authority certificate not trusted for time-stamping"),
  // Verifiable ledger: checkpoints, witnesses, personal-data access.
  PURPOSE_MISSING(
      "purpose.missing",
      400,
      "Client.MissingHeader",
      "Purpose (X-Road-Issue) required for a personal-data service"),
  // Personal data protection (docs/privacy.md): grant policies.
  PURPOSE_NOT_ALLOWED(
      "access.purpose_not_allowed",
      403,
      "Server.ServerProxy.AccessDenied",
      "The stated purpose (X-Road-Issue) is not one the grant allows"),
  OFFICER_REQUIRED(
      "access.officer_required",
      400,
      "Client.MissingHeader",
      "The grant requires the officer's identifier (X-Road-UserId)"),
  CONSENT_MISSING(
      "consent.missing",
      403,
      "Server.ServerProxy.AccessDenied",
      "No valid consent of the data subject for this recipient, data category and purpose"),
  RESPONSE_UNFILTERABLE(
      "privacy.response_unfilterable",
      502,
      "Server.ServerProxy.ServiceFailed",
      "Response cannot be minimised as the grant requires (not JSON)"),
  LEAK_BLOCKED(
      "privacy.leak_blocked",
      502,
      "Server.ServerProxy.ServiceFailed",
      "Response refused: it holds an identifier or classification mark the grant blocks"),
  REQUEST_LEAK_BLOCKED(
      "privacy.request_leak_blocked",
      400,
      "Client.InvalidBody",
      "Request refused: it holds an identifier or classification mark the grant blocks"),
  RESPONSE_TOO_LARGE_TO_FILTER(
      "privacy.response_too_large",
      502,
      "Server.ServerProxy.ServiceFailed",
      "Response larger than the grant lets the gateway filter"),
  // Data quality (docs/privacy.md): the service's OpenAPI schema, checked by its gateway.
  QUALITY_REQUEST_INVALID(
      "quality.request_invalid",
      400,
      "Client.InvalidBody",
      "Request body does not match the service's registered OpenAPI schema"),
  QUALITY_RESPONSE_INVALID(
      "quality.response_invalid",
      502,
      "Server.ServerProxy.ServiceFailed",
      "Response body does not match the service's registered OpenAPI schema"),
  QUALITY_NO_SCHEMA(
      "quality.no_schema",
      400,
      "Client.BadRequest",
      "The service has no OpenAPI document to check against"),
  CHECKPOINT_UNVERIFIED(
      "checkpoint.unverified", 403, "Client.AccessDenied", "Checkpoint signature not verified"),
  CHECKPOINT_INCONSISTENT(
      "checkpoint.inconsistent",
      409,
      "Client.Conflict",
      "Checkpoint not consistent with the one already witnessed"),
  // Document axis (edXML packages, module documents).
  DOCUMENT_MALFORMED(
      "document.malformed", 400, "Client.InvalidBody", "Document package is not acceptable XML"),
  DOCUMENT_INVALID(
      "document.invalid", 422, "Client.InvalidBody", "Document package failed validation"),
  DOCUMENT_LEAK_BLOCKED(
      "document.leak_blocked",
      422,
      "Client.InvalidBody",
      "Document package refused: it holds an identifier or classification mark its route blocks"),
  DOCUMENT_UNSUPPORTED(
      "document.unsupported", 415, "Client.InvalidBody", "Not an edXML document or status package"),
  // Operational monitoring query API (module monitoring).
  QUERY_RANGE_INVALID(
      "query.range_invalid",
      400,
      "Client.BadRequest",
      "Time range missing, unreadable or inverted"),
  QUERY_PAGE_INVALID(
      "query.page_invalid", 400, "Client.BadRequest", "Page size or cursor out of range"),
  QUERY_FILTER_INVALID("query.filter_invalid", 400, "Client.BadRequest", "Unknown query filter"),
  PROCEDURE_INVALID(
      "procedure.invalid", 400, "Client.BadRequest", "Procedure definition is not valid BPMN"),
  PROCEDURE_UNKNOWN("procedure.unknown", 404, "Client.BadRequest", "Unknown procedure"),
  CASE_UNKNOWN("procedure.case_unknown", 404, "Client.BadRequest", "Unknown case"),
  CASE_STATE_CONFLICT(
      "procedure.case_state", 409, "Client.BadRequest", "Case is not in a state that allows this"),
  SIGNED_ATTACHMENT_INVALID(
      "procedure.certificate_invalid",
      422,
      "Client.BadRequest",
      "Signed birth certificate or death notice refused"),
  PROCEDURE_DIRECTORY_UNAVAILABLE(
      "procedure.directory_unavailable",
      503,
      "Server.ClientProxy.OutdatedGlobalConf",
      "Signed directory unavailable to check a signature"),
  PROCEDURES_UNAVAILABLE(
      "procedure.database_unsupported",
      500,
      "Server.InternalError",
      "Procedures need a PostgreSQL database"),
  // Personal-data breach register (module registry, docs/privacy.md "Incidents").
  BREACH_UNKNOWN("breach.unknown", 404, "Client.NotFound", "Unknown breach record"),
  BREACH_STATE_CONFLICT(
      "breach.state", 409, "Client.Conflict", "Breach record is not in a state that allows this"),
  INTERNAL_ERROR("internal.error", 500, "Server.InternalError", "Internal error");

  private final String code;
  private final int httpStatus;
  private final String xroadType;
  private final String title;

  ErrorCode(String code, int httpStatus, String xroadType, String title) {
    this.code = code;
    this.httpStatus = httpStatus;
    this.xroadType = xroadType;
    this.title = title;
  }

  /** The stable, dotted code, e.g. {@code access.denied}. */
  public String code() {
    return code;
  }

  public int httpStatus() {
    return httpStatus;
  }

  /** Value of the {@code X-Road-Error} header. */
  public String xroadType() {
    return xroadType;
  }

  public String title() {
    return title;
  }

  /** The problem type URI of RFC 9457. */
  public String typeUri() {
    return "https://openlgsp.org/problems/" + code;
  }

  // Looked up for every observed exchange: a map, not a scan of a fresh copy of values()
  // (BENCHMARKS.md, "Observer overhead").
  private static final java.util.Map<String, java.util.Optional<ErrorCode>> BY_CODE =
      java.util.Arrays.stream(values())
          .collect(
              java.util.stream.Collectors.toUnmodifiableMap(
                  ErrorCode::code, java.util.Optional::of));

  public static java.util.Optional<ErrorCode> fromCode(String code) {
    return code == null
        ? java.util.Optional.empty()
        : BY_CODE.getOrDefault(code, java.util.Optional.empty());
  }
}
