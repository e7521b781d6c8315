package org.openlgsp.procedures;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import org.openlgsp.core.AgencyCode;

/** Case variables' names and the case code (mã hồ sơ). */
final class Cases {
  static final String CODE = "maHoSo";
  static final String DOSSIER = "hoSo";
  static final String PURPOSE = "mucDich";
  static final String OFFICER = "canBo";
  static final String DUE = "hanXuLy";
  // the verified birth certificate: its number and the hospital that signed it
  static final String CERTIFICATE_NUMBER = "soGiayChungSinh";
  static final String CERTIFICATE_HOSPITAL = "coSoYTeKy";
  // the verified death notice (group 2): its number and the health facility that signed it
  static final String DEATH_NOTICE_NUMBER = "soGiayBaoTu";
  static final String DEATH_NOTICE_FACILITY = "coSoYTeBaoTu";
  private static final String ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"; // Crockford base 32
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyMMdd");
  private static final SecureRandom RANDOM = new SecureRandom();

  private Cases() {}

  /**
   * {@code <agency>-<yyMMdd>-<6 characters>}, e.g. {@code 000.00.00.H53-261207-7K3P9Q}: the
   * receiving agency, the day of receipt in Vietnam, and 30 random bits in Crockford's base 32 (no
   * I, L, O, U to misread), so a code says nothing about how many cases an agency receives.
   */
  static String newCode(AgencyCode agency, Instant at, ZoneId zone) {
    StringBuilder b = new StringBuilder(agency.value()).append('-');
    b.append(DAY.format(at.atZone(zone))).append('-');
    for (int i = 0; i < 6; i++) {
      b.append(ALPHABET.charAt(RANDOM.nextInt(32)));
    }
    return b.toString();
  }

  /** True for a string shaped like {@link #newCode}'s (before it is looked up). */
  static boolean looksLikeCode(String s) {
    return s.matches("[0-9A-Z.]{1,20}-[0-9]{6}-[0-9A-Z]{6}");
  }
}
