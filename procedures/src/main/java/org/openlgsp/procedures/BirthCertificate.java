package org.openlgsp.procedures;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.MessageSigner;
import org.openlgsp.core.SignedDocument;

/**
 * The hospital's birth certificate (giấy chứng sinh) as the hospital signs it: field names in the
 * national APIs' style, dates {@code yyyyMMdd}, {@code gioiTinh} 1 (male) or 2 (female), {@code
 * coSoYTe} the hospital's member identifier in the directory (e.g. {@code VN/GOV/000.27.33.H53}).
 * It travels as a {@link SignedDocument} (the core envelope: the exact JSON bytes, the signature
 * and the signer's certificate) in the dossier's {@code giayChungSinh} field.
 */
public record BirthCertificate(
    String soGiayChungSinh,
    String coSoYTe,
    String hoTenTre,
    String ngaySinh,
    String gioiTinh,
    String noiSinh,
    String hoTenMe,
    String soDinhDanhMe,
    String ngayCap) {
  static final String FIELD = "giayChungSinh";
  private static final DateTimeFormatter YMD = DateTimeFormatter.BASIC_ISO_DATE;

  public BirthCertificate {
    SignedAttachments.requireAll(
        "birth certificate",
        "soGiayChungSinh",
        soGiayChungSinh,
        "coSoYTe",
        coSoYTe,
        "hoTenTre",
        hoTenTre,
        "ngaySinh",
        ngaySinh,
        "gioiTinh",
        gioiTinh,
        "noiSinh",
        noiSinh,
        "hoTenMe",
        hoTenMe,
        "soDinhDanhMe",
        soDinhDanhMe,
        "ngayCap",
        ngayCap);
    ClientId.parse(coSoYTe);
    try {
      LocalDate.parse(ngaySinh, YMD);
      LocalDate.parse(ngayCap, YMD);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("birth certificate dates must be yyyyMMdd");
    }
    if (!gioiTinh.equals("1") && !gioiTinh.equals("2")) {
      throw new IllegalArgumentException("gioiTinh must be 1 or 2");
    }
  }

  /** The hospital {@code coSoYTe} signs the certificate with its member signing key. */
  public SignedDocument sign(MessageSigner hospital) {
    return SignedDocument.sign(this, hospital);
  }
}
