package org.openlgsp.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdentifiersTest {
  @ParameterizedTest
  @ValueSource(strings = {"000.00.00.G22", "000.00.00.H41", "000.00.15.H51", "123.45.67.K01"})
  void acceptsDecision20AgencyCodes(String code) {
    assertThat(AgencyCode.parse(code).value()).isEqualTo(code);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "01.02.G22",
        "001.00.20.JB2",
        "000.00.00.g22",
        "000.00.00.L01",
        "000.00.00.G2",
        "000-00-00-G22",
        " 000.00.00.G22"
      })
  void refusesMalformedAgencyCodesFromRealData(String code) {
    assertThatThrownBy(() -> AgencyCode.parse(code))
        .isInstanceOf(LgspException.class)
        .hasMessageContaining("Decision 20/2020")
        .extracting(e -> ((LgspException) e).code())
        .isEqualTo(ErrorCode.IDENTIFIER_INVALID);
  }

  @Test
  void agencyCodeKnowsItsGroupAndLevel() {
    assertThat(AgencyCode.parse("000.00.00.G22").group()).isEqualTo('G');
    assertThat(AgencyCode.parse("000.00.00.G22").isTopLevel()).isTrue();
    assertThat(AgencyCode.parse("000.00.15.H51").isTopLevel()).isFalse();
  }

  @Test
  void parsesMemberAndSubsystemClients() {
    ClientId member = ClientId.parse("VN/GOV/000.00.00.G22");
    ClientId system = ClientId.parse("VN/GOV/000.00.00.G22/QLVB");
    assertThat(member.isSubsystem()).isFalse();
    assertThat(member.subsystem()).isEmpty();
    assertThat(system.subsystem()).contains("QLVB");
    assertThat(system.memberId()).isEqualTo(member);
    assertThat(system.toString()).isEqualTo("VN/GOV/000.00.00.G22/QLVB");
  }

  @Test
  void governmentMembersNeedAgencyCodesOtherClassesDoNot() {
    assertThatThrownBy(() -> ClientId.parse("VN/GOV/0100109106"))
        .hasMessageContaining("Decision 20/2020");
    assertThat(ClientId.parse("VN/COM/0100109106/ERP").memberCode()).isEqualTo("0100109106");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "VN/GOV",
        "VN/GOV/000.00.00.G22/A/B",
        "VN//000.00.00.G22",
        "VN/GOV/000.00.00.G22/",
        "VN/GOV/000.00.00.G22/has space",
        "VN/GOV/000.00.00.G22/under_score",
        "VN/GOV/000.00.00.G22/a:b",
        "VN/GOV/000.00.00.G22/a%2Fb",
        "VN/GOV/000.00.00.G22/%zz",
        ""
      })
  void refusesMalformedClientIdentifiers(String id) {
    assertThatThrownBy(() -> ClientId.parse(id))
        .isInstanceOf(LgspException.class)
        .extracting(e -> ((LgspException) e).code())
        .isEqualTo(ErrorCode.IDENTIFIER_INVALID);
  }

  @Test
  void errorMessagesNeutraliseControlCharactersAndLength() {
    assertThatThrownBy(() -> ClientId.parse("VN/GOV/000.00.00.G22/a%0Ab"))
        .hasMessageNotContaining("\n");
    String longPart = "x".repeat(300);
    assertThatThrownBy(() -> ClientId.parse("VN/COM/" + longPart))
        .hasMessageContaining("longer than 255");
  }

  @Test
  void percentEncodedAllowedCharactersDecode() {
    ClientId id = ClientId.parse("VN/COM/A%2B%28B%29");
    assertThat(id.memberCode()).isEqualTo("A+(B)");
    assertThat(ClientId.parse(id.encoded())).isEqualTo(id);
    assertThat(ClientId.parse(id.toString())).isEqualTo(id);
  }

  @Test
  void encodingIsUrlEncodingWithSpacesAsPercent20ForEveryCharacterPlainOrNot() {
    StringBuilder all = new StringBuilder();
    for (char c = 1; c < 0x2FF; c++) {
      String one = String.valueOf(c);
      assertThat(Identifiers.encode(one))
          .as("U+%04X", (int) c)
          .isEqualTo(
              java.net.URLEncoder.encode(one, java.nio.charset.StandardCharsets.UTF_8)
                  .replace("+", "%20"));
      all.append(c);
    }
    for (String part : List.of("000.00.00.G01", "CSDLQGDC", "a b+c", "Tây Ninh", all.toString())) {
      assertThat(Identifiers.encode(part))
          .isEqualTo(
              java.net.URLEncoder.encode(part, java.nio.charset.StandardCharsets.UTF_8)
                  .replace("+", "%20"));
    }
  }

  @Test
  void everyErrorCodeIsFoundByItsCodeAndNothingElseIs() {
    for (ErrorCode c : ErrorCode.values()) {
      assertThat(ErrorCode.fromCode(c.code())).contains(c);
    }
    assertThat(ErrorCode.fromCode("")).isEmpty();
    assertThat(ErrorCode.fromCode("access.denied.x")).isEmpty();
    assertThat(ErrorCode.fromCode("ACCESS.DENIED")).isEmpty();
  }

  @Test
  void servicesHaveExactlyFiveParts() {
    ServiceId s = ServiceId.parse("VN/GOV/000.00.00.G01/CSDLQGDC/citizens");
    assertThat(s.provider()).isEqualTo(ClientId.parse("VN/GOV/000.00.00.G01/CSDLQGDC"));
    assertThat(s.serviceCode()).isEqualTo("citizens");
    assertThat(ServiceId.parse(s.encoded())).isEqualTo(s);
    assertThatThrownBy(() -> ServiceId.parse("VN/GOV/000.00.00.G01/citizens"))
        .hasMessageContaining("5");
  }

  @Test
  void nodesBelongToMembers() {
    NodeId n = NodeId.parse("VN/GOV/000.00.00.H53/gw1");
    assertThat(n.owner()).isEqualTo(ClientId.parse("VN/GOV/000.00.00.H53"));
    assertThatThrownBy(() -> NodeId.parse("VN/GOV/000.00.00.H53")).hasMessageContaining("4");
  }

  @Test
  void identifiersTravelInJsonAsStrings() {
    record Holder(ClientId client, ServiceId service, NodeId node) {}
    Holder h =
        new Holder(
            ClientId.parse("VN/GOV/000.00.00.H53/DVC"),
            ServiceId.parse("VN/GOV/000.00.00.G01/CSDLQGDC/citizens"),
            NodeId.parse("VN/GOV/000.00.00.H53/gw1"));
    String json = Json.writeString(h);
    assertThat(json).contains("\"client\":\"VN/GOV/000.00.00.H53/DVC\"");
    assertThat(Json.read(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), Holder.class))
        .isEqualTo(h);
  }

  @Test
  void personalIdsHaveTwelveDigitsAndAreMaskedWhenPrinted() {
    PersonalId id = new PersonalId("079090001234");
    assertThat(id.provinceCode()).isEqualTo("079");
    assertThat(id.birthYear()).isEqualTo(1990);
    assertThat(id.sex()).contains("male");
    assertThat(new PersonalId("001305000001").birthYear()).isEqualTo(2005);
    assertThat(new PersonalId("001305000001").sex()).contains("female");
    assertThat(id.toString()).isEqualTo("*********234").doesNotContain("079090");
    assertThatThrownBy(() -> new PersonalId("07909000123")).hasMessageContaining("12 digits");
    assertThatThrownBy(() -> new PersonalId("07909000123a")).isInstanceOf(LgspException.class);
  }
}
