package org.openlgsp.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.openlgsp.registry.FederationFixture.*;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.Json;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.SignedDocument;
import org.openlgsp.statistics.Figures;
import org.openlgsp.statistics.FiguresAnswer;

/**
 * Statistics reported upward (docs/statistics.md, "Reported upward"): the national registry takes a
 * federated instance's daily summary only when signed by the registry certificate the agreement
 * pins for it, keeps one per day (the last issued), and ranks agencies and services over the days
 * held. Tampered, unsigned, wrongly signed and agreement-less summaries are refused.
 */
class SummariesUpwardTest {
  private static final LocalDate DAY = LocalDate.of(2026, 12, 6);
  private static final String PORTAL_AGENCY = TAY_NINH.toString();
  private static final String HOSPITAL = TN + "/GOV/000.00.00.H99";

  @TempDir Path dir;

  @Test
  void aSignedSummaryIsKeptOncePerDayAndTheNationalRankingAddsTheDaysUp() throws Exception {
    try (Instance ndxp = ndxp(dir, "sqlite");
        Instance tn = tayNinh(dir, "sqlite")) {
      ndxp.federate(dir.resolve("ndxp-cache"), signedAgreement(), tn.url());
      RegistryClient national = new RegistryClient(ndxp.url(), "t");
      Instant t0 = Instant.now().minusSeconds(60);

      SignedDocument first = signed(summary(DAY, t0, 10, 3), TN_SIGNER);
      assertThat(national.sendSummary(TN, first).stored()).isTrue();
      // the same again, and an earlier one: nothing changes (idempotent per day)
      assertThat(national.sendSummary(TN, first).stored()).isFalse();
      assertThat(
              national
                  .sendSummary(TN, signed(summary(DAY, t0.minusSeconds(5), 99, 0), TN_SIGNER))
                  .stored())
          .isFalse();
      // a later one for the same day replaces it; another day adds up
      assertThat(
              national
                  .sendSummary(TN, signed(summary(DAY, t0.plusSeconds(5), 12, 4), TN_SIGNER))
                  .stored())
          .isTrue();
      assertThat(
              national
                  .sendSummary(TN, signed(summary(DAY.plusDays(1), t0, 5, 0), TN_SIGNER))
                  .stored())
          .isTrue();

      FiguresAnswer byAgency = national.ranking(DAY, DAY.plusDays(2), "agency", "volume", 10);
      assertThat(byAgency.rows())
          .extracting(f -> f.agency().orElseThrow(), Figures::calls)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(PORTAL_AGENCY, 17L),
              org.assertj.core.groups.Tuple.tuple(HOSPITAL, 8L));
      assertThat(byAgency.rows().getFirst().errors()).containsEntry("access.denied", 4L);
      FiguresAnswer errors = national.ranking(DAY, DAY.plusDays(1), "service", "errors", 10);
      assertThat(errors.rows()).hasSize(1);
      assertThat(errors.rows().getFirst().service()).contains(CITIZENS.toString());
      assertThat(errors.rows().getFirst().refused()).isEqualTo(4);
      // one day only: the later summary of DAY, not the first
      assertThat(national.ranking(DAY, DAY.plusDays(1), "agency", "volume", 1).rows())
          .singleElement()
          .satisfies(f -> assertThat(f.calls()).isEqualTo(12));

      assertThatThrownBy(() -> national.ranking(DAY, DAY, "agency", "volume", 10))
          .isInstanceOfSatisfying(
              LgspException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.QUERY_RANGE_INVALID));
      assertThatThrownBy(() -> national.ranking(DAY, DAY.plusDays(1), "system", "volume", 10))
          .isInstanceOfSatisfying(
              LgspException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.QUERY_FILTER_INVALID));
      assertThatThrownBy(() -> national.ranking(DAY, DAY.plusDays(1), "agency", "volume", 0))
          .isInstanceOfSatisfying(
              LgspException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.QUERY_PAGE_INVALID));
    }
  }

  @Test
  void tamperedUnsignedWronglySignedAndAgreementlessSummariesAreRefused() throws Exception {
    try (Instance ndxp = ndxp(dir, "sqlite");
        Instance tn = tayNinh(dir, "sqlite")) {
      ndxp.federate(dir.resolve("ndxp-cache"), signedAgreement(), tn.url());
      Instant t0 = Instant.now().minusSeconds(60);
      DailySummary genuine = summary(DAY, t0, 10, 3);
      SignedDocument good = signed(genuine, TN_SIGNER);

      // the payload changed after signing (more calls for the portal)
      DailySummary inflated = summary(DAY, t0, 1000, 3);
      SignedDocument tampered =
          new SignedDocument(
              Base64.getEncoder().encodeToString(Json.write(inflated)),
              good.signature(),
              good.algorithm(),
              good.signerCertificate());
      assertRefused(post(ndxp, TN, tampered.toJson()), 400, "federation.summary_invalid");
      // no signature at all: the summary itself
      assertRefused(post(ndxp, TN, Json.write(genuine)), 400, "federation.summary_invalid");
      // signed by NDXP's own registry key, not the one pinned for Tây Ninh
      assertRefused(
          post(ndxp, TN, signed(genuine, NDXP_SIGNER).toJson()), 400, "federation.summary_invalid");
      // genuinely Tây Ninh's, naming another instance than the one it is sent as
      DailySummary other =
          new DailySummary(
              "VN-LAOCAI", genuine.agreement(), DAY, "Asia/Ho_Chi_Minh", t0, List.of());
      assertRefused(
          post(ndxp, TN, signed(other, TN_SIGNER).toJson()), 400, "federation.summary_invalid");
      // an instance without an agreement
      assertRefused(post(ndxp, "VN-LAOCAI", good.toJson()), 403, "federation.not_agreed");
      // without the token
      HttpResponse<String> anonymous =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(
                              ndxp.url()
                                  + "/api/v1/federation/ranking?from=2026-12-06&to=2026-12-07"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(anonymous.statusCode()).isEqualTo(401);
      assertNothingKeptFor(ndxp, DAY);
    }
  }

  @Test
  void aSummaryCarriesAgencyAndServiceCountsOnly() {
    Instant t = Instant.now();
    Figures bySystem =
        new Figures(
            Optional.of(PORTAL_AGENCY),
            Optional.of(TN + "/GOV/000.00.00.H53/DVC"),
            Optional.of(CITIZENS.toString()),
            Optional.empty(),
            1,
            1,
            0,
            0,
            Map.of(),
            0,
            0,
            0,
            0,
            0,
            0,
            0);
    assertThatThrownBy(
            () -> new DailySummary(TN, "a", DAY, "Asia/Ho_Chi_Minh", t, List.of(bySystem)))
        .hasMessageContaining("per agency and service only");
    Figures notAddingUp =
        new Figures(
            Optional.of(PORTAL_AGENCY),
            Optional.empty(),
            Optional.of(CITIZENS.toString()),
            Optional.empty(),
            5,
            1,
            0,
            0,
            Map.of(),
            0,
            0,
            0,
            0,
            0,
            0,
            0);
    assertThatThrownBy(
            () -> new DailySummary(TN, "a", DAY, "Asia/Ho_Chi_Minh", t, List.of(notAddingUp)))
        .hasMessageContaining("do not add up");
  }

  @Test
  void sendsOfOneDayAtOnceNeverCollideAndTheLatestIssuedIsKept() throws Exception {
    try (Instance ndxp = ndxp(dir, "postgresql");
        Instance tn = tayNinh(dir, "postgresql")) {
      ndxp.federate(dir.resolve("ndxp-cache"), signedAgreement(), tn.url());
      Instant t0 = Instant.now().minusSeconds(120);
      int sends = 8;
      try (var pool = java.util.concurrent.Executors.newFixedThreadPool(sends)) {
        for (int d = 0; d < 4; d++) {
          LocalDate day = DAY.minusDays(d);
          java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(sends);
          List<java.util.concurrent.Future<HttpResponse<String>>> answers =
              new java.util.ArrayList<>();
          for (int i = 0; i < sends; i++) {
            byte[] body = signed(summary(day, t0.plusSeconds(i), 10 + i, 0), TN_SIGNER).toJson();
            answers.add(
                pool.submit(
                    () -> {
                      start.await();
                      return post(ndxp, TN, body);
                    }));
          }
          for (var a : answers) {
            HttpResponse<String> r = a.get();
            assertThat(r.statusCode()).as(r.body()).isIn(200, 201);
          }
          // the last issued (10 + 7 calls of the portal) is the one held, whatever the order
          assertThat(
                  new RegistryClient(ndxp.url(), "t")
                      .ranking(day, day.plusDays(1), "agency", "volume", 1)
                      .rows())
              .singleElement()
              .satisfies(f -> assertThat(f.calls()).isEqualTo(10 + sends - 1));
        }
      }
    }
  }

  @Test
  void summariesTooLargeWithASubsystemAsAgencyUnderAnotherAgreementOrFromTheFutureAreRefused()
      throws Exception {
    try (Instance ndxp = ndxp(dir, "sqlite");
        Instance tn = tayNinh(dir, "sqlite")) {
      ndxp.federate(dir.resolve("ndxp-cache"), signedAgreement(), tn.url());
      Instant t0 = Instant.now().minusSeconds(60);
      DailySummary genuine = summary(DAY, t0, 10, 3);
      @SuppressWarnings("unchecked")
      Map<String, Object> fields = Json.mapper().convertValue(genuine, Map.class);
      Object row = ((List<?>) fields.get("rows")).getFirst();

      // more than MAX_ROWS rows: the sending registry cannot make such a summary, and one
      // genuinely signed anyway is refused by the national registry (even handed over in process:
      // over HTTP, 4 MiB hold far fewer rows)
      assertThatThrownBy(
              () ->
                  new DailySummary(
                      TN,
                      genuine.agreement(),
                      DAY,
                      "Asia/Ho_Chi_Minh",
                      t0,
                      java.util.Collections.nCopies(
                          DailySummary.MAX_ROWS + 1, genuine.rows().getFirst())))
          .hasMessageContaining("at most " + DailySummary.MAX_ROWS + " rows");
      Map<String, Object> tooMany = new java.util.LinkedHashMap<>(fields);
      tooMany.put("rows", java.util.Collections.nCopies(DailySummary.MAX_ROWS + 1, row));
      byte[] large = SignedDocument.sign(tooMany, TN_SIGNER.signer()).toJson();
      assertThatThrownBy(() -> ndxp.registry.acceptSummary(TN, large))
          .isInstanceOfSatisfying(
              LgspException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.FEDERATION_SUMMARY_INVALID));
      // over HTTP, a body over 4 MiB is refused before it is parsed
      byte[] justOver = new byte[4 * 1024 * 1024 + 1];
      java.util.Arrays.fill(justOver, (byte) ' ');
      assertRefused(post(ndxp, TN, justOver), 413, "request.too_large");

      // a subsystem (the portal) as agency: rows are per member
      @SuppressWarnings("unchecked")
      Map<String, Object> subsystemRow = new java.util.LinkedHashMap<>((Map<String, Object>) row);
      subsystemRow.put("agency", TN + "/GOV/000.00.00.H53/DVC");
      Map<String, Object> bySubsystem = new java.util.LinkedHashMap<>(fields);
      bySubsystem.put("rows", List.of(subsystemRow));
      HttpResponse<String> subsystem =
          post(ndxp, TN, SignedDocument.sign(bySubsystem, TN_SIGNER.signer()).toJson());
      assertRefused(subsystem, 400, "federation.summary_invalid");
      assertThat(subsystem.body()).contains("must be a member");

      // genuinely Tây Ninh's, naming another agreement id
      DailySummary otherAgreement =
          new DailySummary(TN, "some-other-agreement", DAY, "Asia/Ho_Chi_Minh", t0, genuine.rows());
      HttpResponse<String> agreement = post(ndxp, TN, signed(otherAgreement, TN_SIGNER).toJson());
      assertRefused(agreement, 400, "federation.summary_invalid");
      assertThat(agreement.body()).contains("some-other-agreement");

      // issued more than 5 minutes ahead of the national registry's clock; 4 minutes is taken
      HttpResponse<String> future =
          post(
              ndxp,
              TN,
              signed(summary(DAY, Instant.now().plusSeconds(330), 10, 3), TN_SIGNER).toJson());
      assertRefused(future, 400, "federation.summary_invalid");
      assertThat(future.body()).contains("issued in the future");
      assertThat(
              post(
                      ndxp,
                      TN,
                      signed(
                              summary(DAY.plusDays(1), Instant.now().plusSeconds(240), 10, 3),
                              TN_SIGNER)
                          .toJson())
                  .statusCode())
          .isEqualTo(201);
      assertNothingKeptFor(ndxp, DAY);
    }
  }

  @Test
  void theRankingRefusesBadQueryParameters() throws Exception {
    try (Instance ndxp = ndxp(dir, "sqlite")) {
      String base = ndxp.url() + "/api/v1/federation/ranking?";
      assertRefused(
          get(base + "from=2026-12-06&to=2026-12-07&limit=ten"), 400, "query.page_invalid");
      assertRefused(get(base + "from=2026-12-06&to=2026-12-07&limit=0"), 400, "query.page_invalid");
      assertRefused(
          get(base + "from=2026-12-06&to=2026-12-07&limit=1001"), 400, "query.page_invalid");
      assertRefused(get(base + "from=06-12-2026&to=2026-12-07"), 400, "query.range_invalid");
      assertRefused(get(base + "to=2026-12-07"), 400, "request.malformed");
      assertRefused(
          get(base + "from=2026-12-06&to=2026-12-07&by=system"), 400, "query.filter_invalid");
      assertRefused(
          get(base + "from=2026-12-06&to=2026-12-07&order=name"), 400, "query.filter_invalid");
      assertRefused(
          get(base + "from=2026-12-06&to=2026-12-07&sort=volume"), 400, "query.filter_invalid");
      assertRefused(
          get(base + "from=2026-12-06&to=2026-12-07&by=agency&by=service"),
          400,
          "query.filter_invalid");
      assertThat(get(base + "from=2026-12-06&to=2026-12-07&limit=1000").statusCode())
          .isEqualTo(200);
    }
  }

  /** The national registry holds no summary of {@code day}: none of the refused ones was kept. */
  private static void assertNothingKeptFor(Instance ndxp, LocalDate day) {
    assertThat(
            new RegistryClient(ndxp.url(), "t")
                .ranking(day, day.plusDays(1), "agency", "volume", 10)
                .rows())
        .isEmpty();
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer t").build(),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  /**
   * Tây Ninh's day: the portal's calls to NDXP's citizens ({@code refused} of them refused), and a
   * hospital's 4.
   */
  private static DailySummary summary(LocalDate day, Instant issuedAt, long calls, long refused) {
    FiguresAnswer consumerGateway =
        new FiguresAnswer(
            issuedAt,
            issuedAt.plusSeconds(1),
            List.of(
                row(PORTAL_AGENCY, CITIZENS.toString(), calls - refused, refused),
                row(HOSPITAL, CITIZENS.toString(), 4, 0)));
    return DailySummary.of(
        TN,
        agreement(Instant.now()).id(),
        day,
        ZoneId.of("Asia/Ho_Chi_Minh"),
        issuedAt,
        List.of(consumerGateway));
  }

  private static Figures row(String agency, String service, long ok, long refused) {
    return new Figures(
        Optional.of(agency),
        Optional.empty(),
        Optional.of(service),
        Optional.empty(),
        ok + refused,
        ok,
        refused,
        0,
        refused > 0 ? Map.of("access.denied", refused) : Map.of(),
        100,
        200,
        5,
        9,
        10,
        12,
        40);
  }

  private static SignedDocument signed(DailySummary s, org.openlgsp.pki.Credentials key) {
    return SignedDocument.sign(s, key.signer());
  }

  private static HttpResponse<String> post(Instance ndxp, String instance, byte[] body)
      throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(
                    URI.create(ndxp.url() + "/api/v1/federation/summaries/" + instance))
                .header("Authorization", "Bearer t")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  private static void assertRefused(HttpResponse<String> r, int status, String code) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type")).contains("application/problem+json");
    assertThat(r.body()).contains(code).doesNotContain("Exception").doesNotContain("org.openlgsp");
  }
}
