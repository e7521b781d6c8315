package org.openlgsp.procedures;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.MessageSigner;
import org.openlgsp.core.SignedDocument;

/**
 * The health facility's death notice (giấy báo tử) as the facility signs it, for procedure group 2:
 * field names in the national APIs' style, dates {@code yyyyMMdd}, {@code gioiTinh} 1 (male) or 2
 * (female), {@code soDinhDanh} the deceased's 12-digit personal ID, {@code coSoYTe} the facility's
 * member identifier in the directory. It travels as a {@link SignedDocument} in the dossier's
 * {@code giayBaoTu} field and is checked like the birth certificate (docs/procedures.md).
 */
public record DeathNotice(
    String soGiayBaoTu,
    String coSoYTe,
    String hoTen,
    String soDinhDanh,
    String gioiTinh,
    String ngayChet,
    String noiChet,
    String nguyenNhanChet,
    String ngayCap) {
  static final String FIELD = "giayBaoTu";
  private static final DateTimeFormatter YMD = DateTimeFormatter.BASIC_ISO_DATE;

  public DeathNotice {
    SignedAttachments.requireAll(
        "death notice",
        "soGiayBaoTu",
        soGiayBaoTu,
        "coSoYTe",
        coSoYTe,
        "hoTen",
        hoTen,
        "soDinhDanh",
        soDinhDanh,
        "gioiTinh",
        gioiTinh,
        "ngayChet",
        ngayChet,
        "noiChet",
        noiChet,
        "nguyenNhanChet",
        nguyenNhanChet,
        "ngayCap",
        ngayCap);
    ClientId.parse(coSoYTe);
    if (!soDinhDanh.matches("[0-9]{12}")) {
      throw new IllegalArgumentException("soDinhDanh must be a 12-digit personal ID");
    }
    try {
      if (LocalDate.parse(ngayCap, YMD).isBefore(LocalDate.parse(ngayChet, YMD))) {
        throw new IllegalArgumentException("a death notice is issued on or after the death");
      }
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("death notice dates must be yyyyMMdd");
    }
    if (!gioiTinh.equals("1") && !gioiTinh.equals("2")) {
      throw new IllegalArgumentException("gioiTinh must be 1 or 2");
    }
  }

  /** The facility {@code coSoYTe} signs the notice with its member signing key. */
  public SignedDocument sign(MessageSigner facility) {
    return SignedDocument.sign(this, facility);
  }
}
