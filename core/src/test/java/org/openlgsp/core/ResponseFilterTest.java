package org.openlgsp.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResponseFilterTest {
  static final String HOUSEHOLD =
      """
      {"id":"HK-1","address":"12 Lê Lợi","head":{"name":"Nguyễn Văn An","personalId":"079090001234"},
       "members":[
         {"name":"Nguyễn Văn An","personalId":"079090001234","birthDate":"1990-03-12","phones":["0912345678"]},
         {"name":"Trần Thị Bình","personalId":"079190005678","birthDate":"12/07/1992","phones":[]}],
       "*":"a member named star"}
      """;

  static JsonNode filter(PrivacyPolicy p, String json) throws Exception {
    return ResponseFilter.of(p).apply(Json.mapper().readTree(json));
  }

  static PrivacyPolicy policy(List<String> fields, List<PrivacyPolicy.Mask> masks) {
    return new PrivacyPolicy(List.of(), false, fields, masks, null, 0);
  }

  @Test
  void allowListKeepsOnlyNamedFieldsAndTheirContainers() throws Exception {
    JsonNode out = filter(policy(List.of("/id", "/head/name"), List.of()), HOUSEHOLD);

    assertThat(out.toString()).isEqualTo("{\"id\":\"HK-1\",\"head\":{\"name\":\"Nguyễn Văn An\"}}");
  }

  @Test
  void wildcardReachesEveryArrayElementAndAnIndexOnlyItsOwn() throws Exception {
    JsonNode all = filter(policy(List.of("/members/*/name"), List.of()), HOUSEHOLD);
    JsonNode second = filter(policy(List.of("/members/1/name"), List.of()), HOUSEHOLD);
    JsonNode nested = filter(policy(List.of("/members/*/phones/*"), List.of()), HOUSEHOLD);

    assertThat(all.toString())
        .isEqualTo("{\"members\":[{\"name\":\"Nguyễn Văn An\"},{\"name\":\"Trần Thị Bình\"}]}");
    assertThat(second.toString()).isEqualTo("{\"members\":[{\"name\":\"Trần Thị Bình\"}]}");
    assertThat(nested.toString())
        .isEqualTo("{\"members\":[{\"phones\":[\"0912345678\"]},{\"phones\":[]}]}");
  }

  @Test
  void starInAnObjectIsTheMemberNamedStarAsRfc6901Says() throws Exception {
    JsonNode out = filter(policy(List.of("/*"), List.of()), HOUSEHOLD);

    assertThat(out.toString()).isEqualTo("{\"*\":\"a member named star\"}");
  }

  @Test
  void aPointerStoppingAtAContainerKeepsItWholeAndOnePastAScalarKeepsNothing() throws Exception {
    JsonNode out = filter(policy(List.of("/head", "/id/deeper"), List.of()), HOUSEHOLD);

    assertThat(out.toString())
        .isEqualTo("{\"head\":{\"name\":\"Nguyễn Văn An\",\"personalId\":\"079090001234\"}}");
  }

  @Test
  void masksKeepLastCharactersYearOnlyOrRedact() throws Exception {
    JsonNode out =
        filter(
            policy(
                List.of(),
                List.of(
                    new PrivacyPolicy.Mask("/members/*/personalId", "last:4"),
                    new PrivacyPolicy.Mask("/members/*/birthDate", "year"),
                    new PrivacyPolicy.Mask("/address", "redact"),
                    new PrivacyPolicy.Mask("/head/name", "last:99"))),
            HOUSEHOLD);

    assertThat(out.at("/members/0/personalId").asText()).isEqualTo("********1234");
    assertThat(out.at("/members/1/personalId").asText()).isEqualTo("********5678");
    assertThat(out.at("/members/0/birthDate").asText()).isEqualTo("1990");
    assertThat(out.at("/members/1/birthDate").asText()).isEqualTo("1992");
    assertThat(out.get("address").isNull()).isTrue();
    assertThat(out.at("/head/name").asText()).isEqualTo("*************"); // shorter than N: all
    assertThat(out.at("/head/personalId").asText()).isEqualTo("079090001234"); // not masked
  }

  @Test
  void yearOfAnUnknownDateFormIsRedactedAndANumberStaysANumber() throws Exception {
    PrivacyPolicy p = policy(List.of(), List.of(new PrivacyPolicy.Mask("/*/d", "year")));

    JsonNode out =
        filter(p, "[{\"d\":19900312},{\"d\":\"March 1990\"},{\"d\":\"1990-03-12T08:00:00Z\"}]");

    assertThat(out.toString()).isEqualTo("[{\"d\":1990},{\"d\":null},{\"d\":\"1990\"}]");
  }

  @Test
  void malformedPointersAndRulesAreRefusedAsMalformedRequests() {
    for (String bad : List.of("", "members", "/a~2b", "/a~")) {
      assertThatThrownBy(() -> policy(List.of(bad), List.of()))
          .as(bad)
          .isInstanceOfSatisfying(
              LgspException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.REQUEST_MALFORMED));
    }
    assertThatThrownBy(() -> new PrivacyPolicy.Mask("/id", "first:4"))
        .isInstanceOf(LgspException.class);
    assertThatThrownBy(() -> new PrivacyPolicy(List.of("a b"), false, null, null, null, 0))
        .isInstanceOf(LgspException.class);
  }

  @Test
  void escapedPointerSegmentsNameMembersWithSlashAndTilde() throws Exception {
    JsonNode out =
        filter(policy(List.of("/a~1b", "/c~0d"), List.of()), "{\"a/b\":1,\"c~d\":2,\"e\":3}");

    assertThat(out.toString()).isEqualTo("{\"a/b\":1,\"c~d\":2}");
  }

  @Test
  void purposeMatchesTheCodeBeforeTheFirstColon() {
    PrivacyPolicy p = new PrivacyPolicy(List.of("1.001234", "kiem-tra"), true, null, null, null, 0);

    assertThat(p.allowsPurpose("1.001234")).isTrue();
    assertThat(p.allowsPurpose("1.001234:HS-2026-000124")).isTrue();
    assertThat(p.allowsPurpose("1.0012345")).isFalse();
    assertThat(p.allowsPurpose("")).isFalse();
    assertThat(p.allowsOfficer("")).isFalse();
    assertThat(PrivacyPolicy.OPEN.allowsPurpose("anything")).isTrue();
  }

  @Test
  void anOpenPolicyIsLeftOutOfTheDirectoryJsonAndAnotherRoundTrips() throws Exception {
    PrivacyPolicy p =
        new PrivacyPolicy(
            List.of("1.001234"),
            true,
            List.of("/members/*/name"),
            List.of(new PrivacyPolicy.Mask("/id", "last:4")),
            PrivacyPolicy.NonJson.REFUSE,
            2048);
    ClientId client = ClientId.subsystem("VN", "GOV", "000.00.00.H53", "DVC");
    ServiceId service =
        new ServiceId(ClientId.subsystem("VN", "GOV", "000.00.00.G01", "CSDLQGDC"), "x");
    Directory.Grant open = new Directory.Grant(client, service, List.of(), List.of());
    Directory.Grant bound = new Directory.Grant(client, service, List.of(), List.of(), p);

    assertThat(Json.writeString(open)).doesNotContain("policy");
    assertThat(Json.read(Json.write(bound), Directory.Grant.class)).isEqualTo(bound);
    assertThat(Json.writeString(bound)).contains("\"nonJson\":\"refuse\"");
  }
}
