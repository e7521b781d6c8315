package org.openlgsp.procedures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DeathNoticeTest {
  private static DeathNotice notice(String id, String died, String issued, String sex) {
    return new DeathNotice(
        "BVDKTN-BT-2026-000318",
        "VN/GOV/000.27.33.H53",
        "Lê Văn Hùng",
        id,
        sex,
        died,
        "Bệnh viện Đa khoa tỉnh Tây Ninh",
        "Bệnh lý",
        issued);
  }

  @Test
  void aWellFormedNoticeIsKeptAsSigned() {
    DeathNotice n = notice("072048123456", "20261205", "20261205", "1");
    assertThat(n.soDinhDanh()).isEqualTo("072048123456");
    assertThat(DeathNotice.FIELD).isEqualTo("giayBaoTu");
  }

  @Test
  void aNoticeWithoutAPersonalIdOrIssuedBeforeTheDeathOrWithBadFieldsIsRefused() {
    assertThatThrownBy(() -> notice("72048123456", "20261205", "20261205", "1"))
        .hasMessageContaining("12-digit");
    assertThatThrownBy(() -> notice("072048123456", "20261205", "20261204", "1"))
        .hasMessageContaining("on or after the death");
    assertThatThrownBy(() -> notice("072048123456", "05/12/2026", "20261205", "1"))
        .hasMessageContaining("yyyyMMdd");
    assertThatThrownBy(() -> notice("072048123456", "20261205", "20261205", "3"))
        .hasMessageContaining("gioiTinh");
    assertThatThrownBy(() -> notice("072048123456", "20261205", " ", "1"))
        .hasMessageContaining("without ngayCap");
  }
}
