package org.openlgsp.registry;

import com.fasterxml.jackson.databind.JavaType;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.Directory;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.Json;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.NodeId;
import org.openlgsp.core.SignedDocument;

/**
 * Calls the registry's admin API with the bodies {@link RegistryServer} reads and returns the
 * answers it writes ({@link AdminRequests}, {@link AdminResponses}); a refusal comes back as the
 * problem's code and detail.
 */
public final class RegistryClient {
  private static final String API = "/api/v1";
  private final String baseUrl;
  private final String token;
  private final WebClient http =
      WebClient.builder()
          .connectTimeout(Duration.ofSeconds(5))
          .readTimeout(Duration.ofSeconds(30))
          .followRedirects(false)
          .sendExpectContinue(false)
          .build();

  public RegistryClient(String baseUrl, String token) {
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.token = token;
  }

  public AdminResponses.Created addMember(AdminRequests.Member member) {
    return post("/members", member, AdminResponses.Created.class);
  }

  public List<Directory.Member> members() {
    return list("/members", Directory.Member.class);
  }

  public AdminResponses.CertificateAdded addSigningCertificate(
      AdminRequests.MemberCertificate certificate) {
    return post(
        "/members/signing-certificates", certificate, AdminResponses.CertificateAdded.class);
  }

  public void removeSigningCertificate(ClientId member, String fingerprint) {
    removeMemberCertificate("signing", member, fingerprint);
  }

  public AdminResponses.CertificateAdded addEncryptionCertificate(
      AdminRequests.MemberCertificate certificate) {
    return post(
        "/members/encryption-certificates", certificate, AdminResponses.CertificateAdded.class);
  }

  public void removeEncryptionCertificate(ClientId member, String fingerprint) {
    removeMemberCertificate("encryption", member, fingerprint);
  }

  private void removeMemberCertificate(String kind, ClientId member, String fingerprint) {
    delete(
        "/members/" + kind + "-certificates",
        Map.of("member", member.toString(), "fingerprint", fingerprint));
  }

  public AdminResponses.Created addNode(AdminRequests.Node node) {
    return post("/nodes", node, AdminResponses.Created.class);
  }

  public List<Directory.Node> nodes() {
    return list("/nodes", Directory.Node.class);
  }

  public AdminResponses.CertificateAdded addNodeTlsCertificate(
      AdminRequests.NodeCertificate certificate) {
    return post("/nodes/tls-certificates", certificate, AdminResponses.CertificateAdded.class);
  }

  public void removeNodeTlsCertificate(NodeId node, String fingerprint) {
    delete("/nodes/tls-certificates", Map.of("node", node.toString(), "fingerprint", fingerprint));
  }

  public AdminResponses.Created addSystem(AdminRequests.SystemEntry system) {
    return post("/systems", system, AdminResponses.Created.class);
  }

  public List<Directory.SystemEntry> systems() {
    return list("/systems", Directory.SystemEntry.class);
  }

  public AdminResponses.Created addService(AdminRequests.Service service) {
    return post("/services", service, AdminResponses.Created.class);
  }

  public List<Directory.Service> services() {
    return list("/services", Directory.Service.class);
  }

  /** Takes a service out of the directory (its grants with it). */
  public void removeService(org.openlgsp.core.ServiceId service) {
    delete("/services", Map.of("id", service.toString()));
  }

  /** Sets how the service's provider gateway checks its exchanges: off, warn or block. */
  public void setSchemaCheck(AdminRequests.SchemaCheckChange change) {
    exchange(Method.POST, API + "/services/schema-check", Map.of(), Json.write(change));
  }

  /** Grants access; the answer's id is the grant's, for {@link #revokeGrant}. */
  public AdminResponses.Created grant(AdminRequests.Grant grant) {
    return post("/grants", grant, AdminResponses.Created.class);
  }

  public List<Registry.GrantEntry> grants() {
    return list("/grants", Registry.GrantEntry.class);
  }

  /**
   * A page of grants ({@code GET /api/v1/grants?limit=&after=&q=}; the query's agency is not sent).
   */
  public GrantPage grants(GrantQuery query) {
    Map<String, String> params = new java.util.TreeMap<>();
    params.put("limit", Integer.toString(query.limit()));
    query.after().ifPresent(a -> params.put("after", a));
    if (!query.text().isEmpty()) {
      params.put("q", query.text());
    }
    return read(
        exchange(Method.GET, API + "/grants", params, null),
        Json.mapper().constructType(GrantPage.class));
  }

  public void revokeGrant(String id) {
    delete("/grants/" + id, Map.of());
  }

  /** Records a data subject's consent; the answer's id is the consent's. */
  public AdminResponses.Created addConsent(AdminRequests.Consent consent) {
    return post("/consents", consent, AdminResponses.Created.class);
  }

  /** The subject's consents, withdrawn ones included (the ID travels in the body). */
  public List<Registry.ConsentEntry> consents(String subjectId) {
    return read(
        exchange(
            Method.POST,
            API + "/consents/search",
            Map.of(),
            Json.write(new AdminRequests.ConsentQuery(subjectId))),
        listOf(Registry.ConsentEntry.class));
  }

  /** What the registry's consent log proves of a consent (docs/privacy.md, "Consent log"). */
  public Registry.ConsentProof consentProof(String id) {
    return read(
        exchange(Method.GET, API + "/consents/" + id + "/proof", Map.of(), null),
        Json.mapper().constructType(Registry.ConsentProof.class));
  }

  /** Withdraws a consent: gateways refuse calls it covered from their next directory refresh. */
  public void withdrawConsent(String id) {
    exchange(Method.POST, API + "/consents/" + id + "/withdraw", Map.of(), new byte[0]);
  }

  /** The newest {@code limit} entries of the admin audit log. */
  public List<Registry.AuditEntry> auditLog(int limit) {
    return read(
        exchange(Method.GET, API + "/audit", Map.of("limit", Integer.toString(limit)), null),
        listOf(Registry.AuditEntry.class));
  }

  public AdminResponses.TrustAnchorsAdded addTrustAnchors(AdminRequests.TrustAnchor anchors) {
    return post("/trust-anchors", anchors, AdminResponses.TrustAnchorsAdded.class);
  }

  public List<AdminResponses.TrustAnchor> trustAnchors() {
    return list("/trust-anchors", AdminResponses.TrustAnchor.class);
  }

  public AdminResponses.EnrolmentState submitEnrolment(AdminRequests.Enrolment enrolment) {
    return post("/enrolments", enrolment, AdminResponses.EnrolmentState.class);
  }

  public List<AdminResponses.EnrolmentView> enrolments() {
    return list("/enrolments", AdminResponses.EnrolmentView.class);
  }

  public AdminResponses.EnrolmentApproved approveEnrolment(String id) {
    return post("/enrolments/" + id + "/approve", Map.of(), AdminResponses.EnrolmentApproved.class);
  }

  /** Approves when the request asks for exactly {@code names}; else 409 and nothing is issued. */
  public AdminResponses.EnrolmentApproved approveEnrolment(String id, List<String> names) {
    return post(
        "/enrolments/" + id + "/approve",
        new AdminRequests.Approval(names),
        AdminResponses.EnrolmentApproved.class);
  }

  public AdminResponses.EnrolmentState rejectEnrolment(String id, AdminRequests.Rejection why) {
    return post("/enrolments/" + id + "/reject", why, AdminResponses.EnrolmentState.class);
  }

  /** Records a personal-data breach (docs/privacy.md "Incidents"); answers it as recorded. */
  public Breach recordBreach(AdminRequests.BreachRecord breach) {
    return post("/breaches", breach, Breach.class);
  }

  /** The breaches, newest detection first, of {@code status} or all. */
  public List<Breach> breaches(Optional<Breach.Status> status) {
    return read(
        exchange(
            Method.GET,
            API + "/breaches",
            status.map(s -> Map.of("status", s.label())).orElse(Map.of()),
            null),
        listOf(Breach.class));
  }

  public Breach breach(String id) {
    return read(
        exchange(Method.GET, API + "/breaches/" + id, Map.of(), null),
        Json.mapper().constructType(Breach.class));
  }

  /** Adds a note to a breach's timeline. */
  public Breach noteBreach(String id, String text) {
    return post("/breaches/" + id + "/timeline", new AdminRequests.BreachNote(text), Breach.class);
  }

  /** Records that the authority was notified. */
  public Breach notifyBreach(String id, AdminRequests.BreachNotification notification) {
    return post("/breaches/" + id + "/notify", notification, Breach.class);
  }

  /** Records when the data subjects were told. */
  public Breach breachSubjectsNotified(String id, java.time.Instant at) {
    return post(
        "/breaches/" + id + "/subjects-notified",
        new AdminRequests.BreachSubjectsNotified(at),
        Breach.class);
  }

  /** Closes a notified breach. */
  public Breach closeBreach(String id, String text) {
    return post("/breaches/" + id + "/close", new AdminRequests.BreachNote(text), Breach.class);
  }

  /** The notification report of a breach, HTML, in {@code lang} ({@code vi} or {@code en}). */
  public String breachReport(String id, String lang) {
    return new String(
        exchange(Method.GET, API + "/breaches/" + id + "/report", Map.of("lang", lang), null),
        java.nio.charset.StandardCharsets.UTF_8);
  }

  /** The breach's notification report as PDF, rendered by the registry. */
  public byte[] breachReportPdf(String id, String lang) {
    return exchange(
        Method.GET,
        API + "/breaches/" + id + "/report",
        Map.of("lang", lang),
        null,
        "application/pdf");
  }

  /** The signed directory as published (not verified: gateways verify). */
  /**
   * Sends this instance's signed daily summary to the national registry (docs/statistics.md,
   * "Reported upward").
   */
  public AdminResponses.SummaryTaken sendSummary(String instance, SignedDocument summary) {
    return read(
        exchange(
            Method.POST, API + "/federation/summaries/" + instance, Map.of(), summary.toJson()),
        Json.mapper().constructType(AdminResponses.SummaryTaken.class));
  }

  /** The national ranking of the summaries the registry holds, days {@code from} to {@code to}. */
  public org.openlgsp.statistics.FiguresAnswer ranking(
      java.time.LocalDate from, java.time.LocalDate to, String by, String order, int limit) {
    return read(
        exchange(
            Method.GET,
            API + "/federation/ranking",
            Map.of(
                "from",
                from.toString(),
                "to",
                to.toString(),
                "by",
                by,
                "order",
                order,
                "limit",
                Integer.toString(limit)),
            null),
        Json.mapper().constructType(org.openlgsp.statistics.FiguresAnswer.class));
  }

  public SignedDocument directory() {
    return SignedDocument.parse(
        exchange(Method.GET, "/directory", Map.of(), null), Directory.SIGNED);
  }

  private <T> T post(String path, Object body, Class<T> answer) {
    return read(
        exchange(Method.POST, API + path, Map.of(), Json.write(body)),
        Json.mapper().constructType(answer));
  }

  private <T> List<T> list(String path, Class<T> element) {
    return read(exchange(Method.GET, API + path, Map.of(), null), listOf(element));
  }

  private void delete(String path, Map<String, String> query) {
    exchange(Method.DELETE, API + path, query, null);
  }

  private static JavaType listOf(Class<?> element) {
    return Json.mapper().getTypeFactory().constructCollectionType(List.class, element);
  }

  private <T> T read(byte[] body, JavaType type) {
    try {
      return Json.mapper().readValue(body, type);
    } catch (IOException | IllegalArgumentException e) {
      throw new LgspException(
          ErrorCode.INTERNAL_ERROR, "registry " + baseUrl + " sent an unreadable answer");
    }
  }

  /** One call; the answer's body when it is a success, else its refusal thrown. */
  private byte[] exchange(Method method, String path, Map<String, String> query, byte[] body) {
    return exchange(method, path, query, body, null);
  }

  private byte[] exchange(
      Method method, String path, Map<String, String> query, byte[] body, String accept) {
    HttpClientRequest request =
        http.method(method)
            .uri(baseUrl + path)
            .header(HeaderNames.AUTHORIZATION, "Bearer " + token)
            .contentType(MediaTypes.APPLICATION_JSON);
    if (accept != null) {
      request.header(HeaderNames.ACCEPT, accept);
    }
    query.forEach(request::queryParam);
    try (HttpClientResponse r = body == null ? request.request() : request.submit(body)) {
      byte[] answer = r.entity().inputStream().readAllBytes();
      if (r.status().code() >= 400) {
        throw refusal(r.status().code(), answer);
      }
      return answer;
    } catch (LgspException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      // Helidon reports a refused connection, a timeout or a broken answer as unchecked exceptions
      throw new LgspException(
          ErrorCode.PEER_UNREACHABLE, "registry " + baseUrl + " unreachable: " + e.getMessage());
    }
  }

  private static LgspException refusal(int status, byte[] body) {
    return LgspException.fromProblem(body, "registry answered " + status);
  }
}
