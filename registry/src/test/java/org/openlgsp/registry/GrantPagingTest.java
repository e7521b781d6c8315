package org.openlgsp.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.ServiceId;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.Sql;
import org.openlgsp.storage.TestDatabases;

/**
 * Grants read a page at a time after a cursor (keyset paging): every page size walks the same list
 * as the whole-table read, once each and in its order, the last page says there is no next one
 * (also when it is exactly full), the search and the agency narrow it as the console did in Java,
 * grants added or revoked between two pages neither repeat nor skip another, and what is not a
 * cursor or a page size is refused, in process and through the admin API.
 */
class GrantPagingTest {
  @TempDir Path dir;
  static final ClientId LAO_APP =
      ClientId.parse("VN-NDXP/GOV/000.00.00.H11/APP"); // another instance's client

  /**
   * 5 x 5 grants of Tây Ninh's systems to the population register's services, the sample's one, and
   * two federated grants (one of another instance's client): 28.
   */
  static Registry populated(Database db) {
    Registry r = RegistryTest.registry(db);
    RegistryTest.populate(r);
    r.grant(RegistryTest.PORTAL, RegistryTest.CITIZENS, List.of("GET"), List.of("/*"));
    for (int s = 0; s < 5; s++) {
      r.addSystem(system(s), "Hệ thống " + s, RegistryTest.TN_NODE);
      r.addService(service(s), "http://127.0.0.1:9090/api", "", Optional.empty());
    }
    for (int c = 0; c < 5; c++) {
      for (int s = 0; s < 5; s++) {
        r.grant(system(c), service(s), List.of("GET"), List.of("/*"));
      }
    }
    // federated grants come from an agreement's catalogue; written here as it stores them
    Sql.inTransaction(
        db,
        h -> {
          for (String[] g :
              List.of(
                  new String[] {"fed-1", LAO_APP.toString(), service(2).toString()},
                  new String[] {"fed-2", system(3).toString(), RegistryTest.CITIZENS.toString()})) {
            h.execute(
                "INSERT INTO registry_federated_grant (id, client_id, service_id, agreement,"
                    + " methods, path_patterns, created_at, policy) VALUES (?, ?, ?, 'agr', "
                    + " '[\"GET\"]', '[\"/*\"]', 0, NULL)",
                (Object[]) g);
          }
          return null;
        });
    return r;
  }

  static ClientId system(int i) {
    return ClientId.parse("VN/GOV/000.00.00.H53/S" + i);
  }

  static ServiceId service(int i) {
    return new ServiceId(RegistryTest.POPULATION, "svc" + i);
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void everyPageSizeWalksTheWholeListOnceInItsOrder(String kind) {
    try (Database db = TestDatabases.open(kind, dir)) {
      Registry r = populated(db);
      List<String> all = ids(r.grants());
      assertThat(all).hasSize(28).doesNotHaveDuplicates().contains("fed-1", "fed-2");
      // 28 = 4 x 7 (the last page exactly full) = 27 + 1 (one row alone on the last page)
      for (int limit : List.of(1, 5, 7, 27, 28, 29, 1000)) {
        List<GrantPage> pages =
            walk(r, new GrantQuery("", Optional.empty(), Optional.empty(), limit));
        assertThat(pages).as("limit %d", limit).hasSize((28 + limit - 1) / limit);
        assertThat(pages.stream().flatMap(p -> ids(p.items()).stream()).toList())
            .as("limit %d", limit)
            .isEqualTo(all);
        assertThat(pages).allSatisfy(p -> assertThat(p.total()).isEqualTo(28));
        assertThat(pages.getLast().next()).isEmpty();
        assertThat(pages.subList(0, pages.size() - 1))
            .allSatisfy(p -> assertThat(p.items()).hasSize(limit));
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void theSearchAndTheAgencyNarrowThePagesAsAFilterOfTheWholeList(String kind) {
    try (Database db = TestDatabases.open(kind, dir)) {
      Registry r = populated(db);
      List<Registry.GrantEntry> all = r.grants();
      // any case, anywhere in "client service"; a LIKE wildcard is a literal
      assertPagesEqual(r, "/s3 VN", Optional.empty(), all, text("/s3 vn"));
      assertPagesEqual(r, "SVC1", Optional.empty(), all, text("svc1"));
      assertPagesEqual(r, "%", Optional.empty(), all, g -> false);
      assertPagesEqual(r, "_", Optional.empty(), all, g -> false);
      // an agency's own grants: as client (its systems) or as provider (its services)
      ClientId tn = RegistryTest.TN;
      ClientId mps = RegistryTest.MPS;
      ClientId lao = LAO_APP.memberId();
      for (ClientId agency : List.of(tn, mps, lao, ClientId.parse("VN/GOV/000.00.00.H54"))) {
        assertPagesEqual(
            r,
            "",
            Optional.of(agency),
            all,
            g ->
                g.grant().client().memberId().equals(agency)
                    || g.grant().service().provider().memberId().equals(agency));
      }
      assertThat(walk(r, new GrantQuery("", Optional.of(lao), Optional.empty(), 3)))
          .flatMap(GrantPage::items)
          .extracting(Registry.GrantEntry::id)
          .containsExactly("fed-1");
      assertPagesEqual(r, "svc4", Optional.of(tn), all, text("svc4"));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void grantsAddedOrRevokedBetweenTwoPagesNeitherRepeatNorSkipAnother(String kind) {
    try (Database db = TestDatabases.open(kind, dir)) {
      Registry r = populated(db);
      List<String> before = ids(r.grants());
      GrantPage first = r.grants(GrantQuery.first(10));
      // revoke a grant of the first page and one of the second; add one before the cursor
      r.revokeGrant(first.items().get(3).id());
      String secondPageGrant = before.get(12);
      r.revokeGrant(secondPageGrant);
      ClientId early = ClientId.parse("VN/GOV/000.00.00.H53/A0");
      r.addSystem(early, "Sớm", RegistryTest.TN_NODE);
      r.grant(early, service(0), List.of("GET"), List.of("/*"));

      List<String> rest = new ArrayList<>();
      GrantQuery q = GrantQuery.first(10).after(first.next().orElseThrow());
      for (GrantPage p = r.grants(q); ; p = r.grants(q.after(p.next().get()))) {
        rest.addAll(ids(p.items()));
        if (p.next().isEmpty()) {
          break;
        }
      }
      List<String> expected = new ArrayList<>(before.subList(10, before.size()));
      expected.remove(secondPageGrant);
      assertThat(rest).isEqualTo(expected);
    }
  }

  @Test
  void anEmptyRegistryHasOneEmptyPage() {
    try (Database db = TestDatabases.open("sqlite", dir)) {
      GrantPage p = RegistryTest.registry(db).grants(GrantQuery.first(10));
      assertThat(p.items()).isEmpty();
      assertThat(p.total()).isZero();
      assertThat(p.next()).isEmpty();
    }
  }

  @Test
  void whatIsNotACursorOrAPageSizeIsRefused() {
    String notThree =
        Base64.getUrlEncoder().encodeToString("a\nb".getBytes(StandardCharsets.UTF_8));
    for (String bad : List.of("not a cursor!", notThree, "")) {
      assertThatThrownBy(() -> new GrantQuery("", Optional.empty(), Optional.of(bad), 10))
          .as(bad)
          .isInstanceOfSatisfying(
              LgspException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.QUERY_PAGE_INVALID));
    }
    for (int limit : List.of(0, -1, 1001)) {
      assertThatThrownBy(() -> GrantQuery.first(limit))
          .isInstanceOfSatisfying(
              LgspException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.QUERY_PAGE_INVALID));
    }
  }

  @Test
  void theAdminApiPagesTheSameWayAndRefusesWhatItDoesNotKnow() throws Exception {
    try (Database db = TestDatabases.open("sqlite", dir)) {
      Registry r = populated(db);
      try (RegistryServer server =
          RegistryServer.start(
              r, RegistryServer.hashToken(RegistryServerTest.TOKEN), "127.0.0.1", 0)) {
        RegistryClient client =
            new RegistryClient("http://127.0.0.1:" + server.port() + "/", RegistryServerTest.TOKEN);
        List<String> walked = new ArrayList<>();
        GrantQuery q = GrantQuery.first(6);
        for (GrantPage p = client.grants(q); ; p = client.grants(q.after(p.next().get()))) {
          assertThat(p.total()).isEqualTo(28);
          walked.addAll(ids(p.items()));
          if (p.next().isEmpty()) {
            break;
          }
        }
        assertThat(walked).isEqualTo(ids(client.grants()));
        assertThat(
                ids(
                    client
                        .grants(new GrantQuery("svc3", Optional.empty(), Optional.empty(), 100))
                        .items()))
            .hasSize(5); // the five systems' grants of svc3
        HttpClient raw = HttpClient.newHttpClient();
        for (String[] bad :
            List.of(
                new String[] {"limit=abc", "query.page_invalid"},
                new String[] {"limit=0", "query.page_invalid"},
                new String[] {"limit=5&after=bogus!", "query.page_invalid"},
                new String[] {"limit=5&sort=id", "query.filter_invalid"},
                new String[] {"limit=5&limit=6", "query.filter_invalid"})) {
          HttpResponse<String> answer =
              raw.send(
                  HttpRequest.newBuilder(
                          URI.create(
                              "http://127.0.0.1:" + server.port() + "/api/v1/grants?" + bad[0]))
                      .header("Authorization", "Bearer " + RegistryServerTest.TOKEN)
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          assertThat(answer.statusCode()).as(bad[0]).isEqualTo(400);
          assertThat(answer.body()).as(bad[0]).contains(bad[1]).doesNotContain("Exception");
        }
      }
    }
  }

  private static void assertPagesEqual(
      Registry r,
      String text,
      Optional<ClientId> agency,
      List<Registry.GrantEntry> all,
      Predicate<Registry.GrantEntry> keep) {
    List<String> expected = ids(all.stream().filter(keep).toList());
    List<GrantPage> pages = walk(r, new GrantQuery(text, agency, Optional.empty(), 4));
    assertThat(pages.stream().flatMap(p -> ids(p.items()).stream()).toList())
        .as("%s %s", text, agency)
        .isEqualTo(expected);
    assertThat(pages.getFirst().total()).isEqualTo(expected.size());
  }

  private static Predicate<Registry.GrantEntry> text(String lower) {
    return g ->
        (g.grant().client() + " " + g.grant().service()).toLowerCase(Locale.ROOT).contains(lower);
  }

  private static List<GrantPage> walk(Registry r, GrantQuery q) {
    List<GrantPage> pages = new ArrayList<>();
    for (GrantPage p = r.grants(q); ; p = r.grants(q.after(p.next().get()))) {
      pages.add(p);
      if (p.next().isEmpty()) {
        return pages;
      }
    }
  }

  private static List<String> ids(List<Registry.GrantEntry> entries) {
    return entries.stream().map(Registry.GrantEntry::id).toList();
  }
}
