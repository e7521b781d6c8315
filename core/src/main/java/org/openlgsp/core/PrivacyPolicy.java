package org.openlgsp.core;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonPointer;
import java.util.HashSet;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What a grant lets through beyond method and path (docs/privacy.md): the purposes a call must
 * state in {@code X-Road-Issue}, whether an officer ({@code X-Road-UserId}) is required, and what
 * of a response the provider gateway passes on — a field allow-list and masking rules, both JSON
 * Pointers (RFC 6901) in which a segment {@code *} stands for every element of an array.
 *
 * <p>Invalid pointers or rules are refused at construction with {@code request.malformed}, so the
 * registry refuses them when the grant is made.
 *
 * @param purposes allowed purposes (procedure codes or named purposes); empty: any
 * @param officerRequired whether a call must name its officer in {@code X-Road-UserId}
 * @param responseFields JSON Pointers of the response fields passed on; empty: every field
 * @param masks masking rules applied after the allow-list
 * @param nonJson what a response that is not JSON gets when the policy filters responses
 * @param maxFilteredBytes largest response the gateway reads to filter (larger ones are refused)
 * @param consentCategory data category whose consent the subject must have given the calling agency
 *     for the stated purpose (empty: no consent required)
 * @param leaks leak detectors run on the response and what each finding gets (empty: none)
 */
public record PrivacyPolicy(
    List<String> purposes,
    boolean officerRequired,
    List<String> responseFields,
    List<Mask> masks,
    NonJson nonJson,
    long maxFilteredBytes,
    String consentCategory,
    List<LeakRule> leaks) {

  /** Default and upper bound of {@link #maxFilteredBytes}. */
  public static final long DEFAULT_MAX_FILTERED = 1024 * 1024;

  public static final long MAX_FILTERED_LIMIT = 16L * 1024 * 1024;

  private static final Pattern PURPOSE = Pattern.compile("[\\p{L}\\p{N}._\\-/]{1,100}");
  private static final int MAX_RULES = 200;

  /** A policy that adds nothing to method and path. */
  /** A policy without consent, as before consents existed. */
  public PrivacyPolicy(
      List<String> purposes,
      boolean officerRequired,
      List<String> responseFields,
      List<Mask> masks,
      NonJson nonJson,
      long maxFilteredBytes) {
    this(purposes, officerRequired, responseFields, masks, nonJson, maxFilteredBytes, "", null);
  }

  /** A policy without leak detectors. */
  public PrivacyPolicy(
      List<String> purposes,
      boolean officerRequired,
      List<String> responseFields,
      List<Mask> masks,
      NonJson nonJson,
      long maxFilteredBytes,
      String consentCategory) {
    this(
        purposes,
        officerRequired,
        responseFields,
        masks,
        nonJson,
        maxFilteredBytes,
        consentCategory,
        null);
  }

  public static final PrivacyPolicy OPEN =
      new PrivacyPolicy(List.of(), false, List.of(), List.of(), NonJson.PASS, 0, "", List.of());

  public PrivacyPolicy {
    purposes = purposes == null ? List.of() : List.copyOf(purposes);
    responseFields = responseFields == null ? List.of() : List.copyOf(responseFields);
    masks = masks == null ? List.of() : List.copyOf(masks);
    nonJson = nonJson == null ? NonJson.PASS : nonJson;
    maxFilteredBytes = maxFilteredBytes == 0 ? DEFAULT_MAX_FILTERED : maxFilteredBytes;
    consentCategory = consentCategory == null ? "" : consentCategory;
    leaks = leaks == null ? List.of() : List.copyOf(leaks);
    if (leaks.stream().map(LeakRule::detector).distinct().count() != leaks.size()) {
      throw malformed("a leak detector is listed twice");
    }
    if (!consentCategory.isEmpty() && !PURPOSE.matcher(consentCategory).matches()) {
      throw malformed(
          "consent category '" + consentCategory + "' must be 1-100 letters, digits or . _ - /");
    }
    for (String p : purposes) {
      if (p == null || !PURPOSE.matcher(p).matches()) {
        throw malformed(
            "purpose '" + p + "' must be 1-100 letters, digits or . _ - / (e.g. 1.001234)");
      }
    }
    if (new HashSet<>(purposes).size() != purposes.size()) {
      throw malformed("purposes listed twice");
    }
    if (responseFields.size() + masks.size() > MAX_RULES) {
      throw malformed("at most " + MAX_RULES + " response fields and masks");
    }
    responseFields.forEach(p -> FieldPointer.parse("responseFields", p));
    if (maxFilteredBytes < 1 || maxFilteredBytes > MAX_FILTERED_LIMIT) {
      throw malformed("maxFilteredBytes must be between 1 and " + MAX_FILTERED_LIMIT);
    }
  }

  /** From JSON, where every property may be left out (absent: as {@link #OPEN} has it). */
  @com.fasterxml.jackson.annotation.JsonCreator
  static PrivacyPolicy fromJson(
      @JsonProperty("purposes") List<String> purposes,
      @JsonProperty("officerRequired") Boolean officerRequired,
      @JsonProperty("responseFields") List<String> responseFields,
      @JsonProperty("masks") List<Mask> masks,
      @JsonProperty("nonJson") NonJson nonJson,
      @JsonProperty("maxFilteredBytes") Long maxFilteredBytes,
      @JsonProperty("consentCategory") String consentCategory,
      @JsonProperty("leaks") List<LeakRule> leaks) {
    return new PrivacyPolicy(
        purposes,
        Boolean.TRUE.equals(officerRequired),
        responseFields,
        masks,
        nonJson,
        maxFilteredBytes == null ? 0 : maxFilteredBytes,
        consentCategory,
        leaks);
  }

  /** True when the policy changes or refuses responses (allow-list, masks or non-JSON refused). */
  @com.fasterxml.jackson.annotation.JsonIgnore
  public boolean filtersResponses() {
    return !responseFields.isEmpty()
        || !masks.isEmpty()
        || nonJson == NonJson.REFUSE
        || leaks.stream().anyMatch(l -> l.action() != LeakAction.ALLOW);
  }

  /** True when the policy adds nothing to the grant's method and path. */
  @com.fasterxml.jackson.annotation.JsonIgnore
  public boolean isOpen() {
    return equals(OPEN);
  }

  /**
   * Whether a call stating {@code issue} ({@code X-Road-Issue}) serves an allowed purpose: one
   * equal to it or to its part before the first {@code :} (a procedure code followed by the case
   * number, {@code 1.001234:HS-2026-000124}).
   */
  public boolean allowsPurpose(String issue) {
    return purposes.isEmpty() || purposes.contains(purposeCode(issue));
  }

  /** The purpose an {@code X-Road-Issue} states: its part before the first {@code :}, if any. */
  public static String purposeCode(String issue) {
    int colon = issue.indexOf(':');
    return colon < 0 ? issue : issue.substring(0, colon);
  }

  /** Whether calls need the subject's consent (of {@link #consentCategory}). */
  @com.fasterxml.jackson.annotation.JsonIgnore
  public boolean requiresConsent() {
    return !consentCategory.isEmpty();
  }

  /** Whether a call naming officer {@code userId} (empty: none) satisfies the policy. */
  public boolean allowsOfficer(String userId) {
    return !officerRequired || !userId.isBlank();
  }

  /** What a leak detector's finding gets. */
  public enum LeakAction {
    /** the detector does not run */
    @JsonProperty("allow")
    ALLOW,
    /** each match is replaced by as many {@code *} */
    @JsonProperty("mask")
    MASK,
    /** the response is refused with {@code privacy.leak_blocked} */
    @JsonProperty("block")
    BLOCK,
    /** the response passes; the finding is recorded and raises a {@code dataLeak} alert */
    @JsonProperty("alert")
    ALERT
  }

  /**
   * A leak detector ({@link LeakDetectors.Kind#label}: cccd, cmnd, tax_code, phone, classification)
   * and what its findings get.
   */
  public record LeakRule(String detector, LeakAction action) {
    public LeakRule {
      LeakDetectors.Kind.parse(detector); // refuses an unknown one
      if (action == null) {
        throw malformed(
            "leak rule for " + detector + " needs an action: allow, mask, block, alert");
      }
    }

    /** The detector. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public LeakDetectors.Kind kind() {
      return LeakDetectors.Kind.parse(detector);
    }
  }

  /** What a response that is not JSON gets from a policy that filters responses. */
  public enum NonJson {
    /** passed on unchanged (the allow-list and masks apply to JSON only) */
    @JsonProperty("pass")
    PASS,
    /** refused with {@code privacy.response_unfilterable} */
    @JsonProperty("refuse")
    REFUSE
  }

  /**
   * A masking rule: the values {@code pointer} reaches become what {@code rule} says: {@code
   * redact} (null), {@code year} (year only, of a date of birth), {@code last:N} (all but the last
   * N characters replaced by {@code *}).
   */
  public record Mask(String pointer, String rule) {
    private static final Pattern RULE = Pattern.compile("redact|year|last:([0-9]{1,2})");

    public Mask {
      FieldPointer.parse("mask pointer", pointer);
      if (rule == null || !RULE.matcher(rule).matches()) {
        throw malformed("mask rule '" + rule + "' must be redact, year or last:N (N < 100)");
      }
    }
  }

  /** A parsed field pointer: its segments, {@code *} standing for every array element. */
  static List<String> segments(String pointer) {
    return FieldPointer.parse("pointer", pointer);
  }

  private static LgspException malformed(String detail) {
    return new LgspException(ErrorCode.REQUEST_MALFORMED, detail);
  }

  /** Field pointers, parsed by Jackson's {@link JsonPointer} (RFC 6901). */
  static final class FieldPointer {
    private FieldPointer() {}

    static List<String> parse(String what, String pointer) {
      if (pointer == null || pointer.isEmpty() || pointer.length() > 500) {
        throw malformed(what + " must be a JSON Pointer naming a field, e.g. /items/*/name");
      }
      if (pointer.matches("(?s).*~([^01].*|$)")) {
        throw malformed(what + " '" + pointer + "': '~' must be followed by 0 or 1 (RFC 6901)");
      }
      JsonPointer p;
      try {
        p = JsonPointer.compile(pointer);
      } catch (IllegalArgumentException e) {
        throw malformed(what + " '" + pointer + "' is not a JSON Pointer: " + e.getMessage());
      }
      List<String> segments = new java.util.ArrayList<>();
      for (JsonPointer at = p; !at.matches(); at = at.tail()) {
        segments.add(at.getMatchingProperty());
      }
      return List.copyOf(segments);
    }
  }
}
