package org.openlgsp.core;

import java.text.Normalizer;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Detectors of identifiers and classification marks in response text (docs/privacy.md, "Leak
 * prevention"). Each finds its pattern as a whole token: digits not part of a longer number, marks
 * not part of a longer word. Text is compared in Unicode NFC, so a decomposed "MẬT" is found.
 */
public final class LeakDetectors {
  private LeakDetectors() {}

  /** What a detector looks for. */
  public enum Kind {
    /** 12-digit personal identification number (CCCD / số định danh cá nhân) */
    CCCD("cccd", "(?<![0-9])[0-9]{12}(?![0-9])"),
    /** old 9-digit identity card number (CMND) */
    CMND("cmnd", "(?<![0-9])[0-9]{9}(?![0-9])"),
    /** tax code: 10 digits, or 10-3 for a branch */
    TAX_CODE("tax_code", "(?<![0-9-])[0-9]{10}(?:-[0-9]{3})?(?![0-9])"),
    /** Vietnamese mobile number: 0 or +84/84, then 3, 5, 7, 8 or 9 and eight digits */
    PHONE("phone", "(?<![0-9+])(?:\\+84|84|0)[35789][0-9]{8}(?![0-9])"),
    /** classification marks of state secrets: MẬT, TỐI MẬT, TUYỆT MẬT (upper case) */
    CLASSIFICATION("classification", "(?<!\\p{L})(?:TUYỆT MẬT|TỐI MẬT|MẬT)(?!\\p{L})");

    private final String label;
    private final Pattern pattern;

    Kind(String label, String regex) {
      this.label = label;
      this.pattern = Pattern.compile(regex);
    }

    /** Its name in grant policies. */
    public String label() {
      return label;
    }

    public static Kind parse(String label) {
      for (Kind k : values()) {
        if (k.label.equals(label)) {
          return k;
        }
      }
      throw new LgspException(
          ErrorCode.REQUEST_MALFORMED,
          "unknown leak detector '"
              + label
              + "'; use cccd, cmnd, tax_code, phone or classification");
    }
  }

  /**
   * Finds {@code kinds} in {@code text}, each on the text as it came (so one detector's mask does
   * not hide another's finding); returns the text with the matches of {@code masked} kinds replaced
   * by as many {@code *}, else {@code text}. The kinds found are added to {@code found}.
   */
  public static String scan(String text, Set<Kind> kinds, Set<Kind> masked, Set<Kind> found) {
    String t = text;
    if (kinds.contains(Kind.CLASSIFICATION) && !isAscii(t)) {
      t = Normalizer.normalize(t, Normalizer.Form.NFC);
    }
    boolean[] hide = null;
    for (Kind k : kinds) {
      if (!mayContain(k, t)) {
        continue;
      }
      Matcher m = k.pattern.matcher(t);
      while (m.find()) {
        found.add(k);
        if (!masked.contains(k)) {
          break;
        }
        if (hide == null) {
          hide = new boolean[t.length()];
        }
        java.util.Arrays.fill(hide, m.start(), m.end(), true);
      }
    }
    if (hide == null) {
      return text;
    }
    char[] out = t.toCharArray();
    for (int i = 0; i < out.length; i++) {
      if (hide[i]) {
        out[i] = '*';
      }
    }
    return new String(out);
  }

  /** Cheap pre-checks: digits for the numbers, an upper-case M for the marks. */
  private static boolean mayContain(Kind k, String t) {
    if (k == Kind.CLASSIFICATION) {
      return t.indexOf('M') >= 0;
    }
    int run = 0;
    int need = k == Kind.CCCD ? 12 : 9;
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      run = c >= '0' && c <= '9' ? run + 1 : 0;
      if (run >= need) {
        return true;
      }
    }
    return false;
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) > 127) {
        return false;
      }
    }
    return true;
  }

  /** The labels of {@code kinds}, sorted, for records and alerts. */
  public static java.util.List<String> labels(Set<Kind> kinds) {
    return kinds.stream().map(Kind::label).sorted().toList();
  }
}
