package org.openlgsp.alerts;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.openlgsp.core.ErrorCode;

/**
 * The rules file (YAML, docs/alerts.md "Rules"): one section per rule, each key left out taking its
 * default, a rule left out taking all its defaults. A key no rule knows, a value out of range or of
 * the wrong type stops loading with a message naming the rule and the key.
 */
public record AlertRules(
    RequestSpike requestSpike,
    OffHoursPersonalData offHoursPersonalData,
    SubjectEnumeration subjectEnumeration,
    RefusalBurst refusalBurst,
    NewSourceAddress newSourceAddress,
    SlowExchange slowExchange,
    CertificateExpiry certificateExpiry,
    DirectoryExpiry directoryExpiry,
    CheckpointWitnessing checkpointWitnessing,
    TrustServiceFailures trustServiceFailures,
    DataLeak dataLeak,
    BreachNotification breachNotification,
    ProcedureAtRisk procedureAtRisk,
    ProcedureOverdue procedureOverdue) {
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .registerModule(new JavaTimeModule())
          .registerModule(new Jdk8Module())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  public AlertRules {
    requestSpike = or(requestSpike, new RequestSpike(null, null, null, null, null, null));
    offHoursPersonalData =
        or(
            offHoursPersonalData,
            new OffHoursPersonalData(null, null, null, null, null, null, null, null));
    subjectEnumeration = or(subjectEnumeration, new SubjectEnumeration(null, null, null, null));
    refusalBurst = or(refusalBurst, new RefusalBurst(null, null, null, null, null));
    newSourceAddress = or(newSourceAddress, new NewSourceAddress(null, null, null));
    slowExchange = or(slowExchange, new SlowExchange(null, null, null, null, null, null));
    certificateExpiry = or(certificateExpiry, new CertificateExpiry(null, null, null, null));
    directoryExpiry = or(directoryExpiry, new DirectoryExpiry(null, null, null));
    checkpointWitnessing =
        or(checkpointWitnessing, new CheckpointWitnessing(null, null, null, null, null));
    trustServiceFailures =
        or(trustServiceFailures, new TrustServiceFailures(null, null, null, null));
    dataLeak = or(dataLeak, new DataLeak(null, null));
    breachNotification = or(breachNotification, new BreachNotification(null, null, null));
    procedureAtRisk = or(procedureAtRisk, new ProcedureAtRisk(null, null));
    procedureOverdue = or(procedureOverdue, new ProcedureOverdue(null, null));
  }

  /** Every rule on with its defaults. */
  public static AlertRules defaults() {
    return new AlertRules(
        null, null, null, null, null, null, null, null, null, null, null, null, null, null);
  }

  /**
   * Reads a rules file; a malformed one is refused with an {@link IllegalArgumentException} whose
   * message names the file, the rule and the key.
   */
  public static AlertRules load(Path file) {
    byte[] text;
    try {
      text = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "rules file " + file + " cannot be read: " + e.getMessage());
    }
    return parse(text, file.toString());
  }

  static AlertRules parse(byte[] yaml, String name) {
    if (new String(yaml, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
      return defaults();
    }
    try {
      AlertRules r = YAML.readValue(yaml, AlertRules.class);
      return r == null ? defaults() : r;
    } catch (UnrecognizedPropertyException e) {
      List<String> path = path(e);
      String where =
          path.size() <= 1
              ? "unknown rule '" + e.getPropertyName() + "'"
              : "rule '" + path.get(0) + "': unknown key '" + e.getPropertyName() + "'";
      throw new IllegalArgumentException("rules file " + name + ": " + where);
    } catch (JsonMappingException e) {
      List<String> path = path(e);
      String rule = path.isEmpty() ? "" : "rule '" + path.get(0) + "'";
      String key = path.size() > 1 ? ", key '" + path.get(1) + "'" : "";
      String why = rootMessage(e);
      throw new IllegalArgumentException(
          "rules file " + name + ": " + (rule.isEmpty() ? "" : rule + key + ": ") + why);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      String line = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
      throw new IllegalArgumentException(
          "rules file " + name + ": not YAML" + line + " (" + firstLine(e) + ")");
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "rules file " + name + ": not YAML (" + firstLine(e) + ")");
    }
  }

  private static List<String> path(JsonMappingException e) {
    return e.getPath().stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .toList();
  }

  private static String rootMessage(JsonMappingException e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    if (t instanceof IllegalArgumentException && !(t instanceof java.time.DateTimeException)) {
      return t.getMessage();
    }
    // Jackson's own text names Java types: say what was expected instead
    Class<?> type =
        e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException m
                && m.getTargetType() != null
            ? m.getTargetType()
            : Object.class;
    return "must be " + expected(type);
  }

  private static String expected(Class<?> type) {
    if (type == Duration.class) {
      return "an ISO-8601 duration such as PT5M";
    } else if (type == LocalTime.class) {
      return "a time of day such as 07:00";
    } else if (ZoneId.class.isAssignableFrom(type)) {
      return "a time zone such as Asia/Ho_Chi_Minh";
    } else if (type == Severity.class) {
      return "one of LOW, MEDIUM, HIGH, CRITICAL";
    } else if (type == DayOfWeek.class) {
      return "a day such as MONDAY";
    } else if (type == Integer.class || type == int.class || type == Double.class) {
      return "a number";
    } else if (type == Boolean.class) {
      return "true or false";
    } else if (List.class.isAssignableFrom(type) || Set.class.isAssignableFrom(type)) {
      return "a list";
    } else if (type.isRecord()) {
      return "a section of keys";
    }
    return "a value of the documented kind";
  }

  private static String firstLine(Exception e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  private static <T> T or(T value, T otherwise) {
    return value == null ? otherwise : value;
  }

  private static Duration positive(Duration d, Duration otherwise, String key) {
    Duration v = d == null ? otherwise : d;
    if (v.isNegative() || v.isZero()) {
      throw new IllegalArgumentException("'" + key + "' must be a positive duration");
    }
    return v;
  }

  private static int atLeast(Integer n, int otherwise, int min, String key) {
    int v = n == null ? otherwise : n;
    if (v < min) {
      throw new IllegalArgumentException("'" + key + "' must be at least " + min);
    }
    return v;
  }

  /**
   * More requests from one client in one window than {@code factor} times its own average over the
   * previous {@code baselineWindows} windows (and at least {@code minRequests}).
   */
  public record RequestSpike(
      Boolean enabled,
      Severity severity,
      Duration window,
      Integer baselineWindows,
      Double factor,
      Integer minRequests) {
    public RequestSpike {
      enabled = or(enabled, true);
      severity = or(severity, Severity.MEDIUM);
      window = positive(window, Duration.ofMinutes(1), "window");
      baselineWindows = atLeast(baselineWindows, 15, 1, "baselineWindows");
      factor = or(factor, 5.0);
      if (!(factor > 1.0)) {
        throw new IllegalArgumentException("'factor' must be greater than 1");
      }
      minRequests = atLeast(minRequests, 50, 1, "minRequests");
    }
  }

  /**
   * At least {@code threshold} personal-data exchanges (those carrying a subject hash) by one
   * client and officer within {@code window}, outside working hours.
   */
  public record OffHoursPersonalData(
      Boolean enabled,
      Severity severity,
      Duration window,
      Integer threshold,
      LocalTime workStart,
      LocalTime workEnd,
      Set<DayOfWeek> workDays,
      ZoneId zone) {
    public OffHoursPersonalData {
      enabled = or(enabled, true);
      severity = or(severity, Severity.HIGH);
      window = positive(window, Duration.ofMinutes(30), "window");
      threshold = atLeast(threshold, 100, 1, "threshold");
      workStart = or(workStart, LocalTime.of(7, 0));
      workEnd = or(workEnd, LocalTime.of(18, 0));
      if (!workStart.isBefore(workEnd)) {
        throw new IllegalArgumentException("'workStart' must be before 'workEnd'");
      }
      workDays = Set.copyOf(or(workDays, EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY)));
      zone = or(zone, ZoneId.of("Asia/Ho_Chi_Minh"));
    }
  }

  /** One client and officer touching at least {@code distinctSubjects} subjects within window. */
  public record SubjectEnumeration(
      Boolean enabled, Severity severity, Duration window, Integer distinctSubjects) {
    public SubjectEnumeration {
      enabled = or(enabled, true);
      severity = or(severity, Severity.HIGH);
      window = positive(window, Duration.ofMinutes(10), "window");
      distinctSubjects = atLeast(distinctSubjects, 200, 2, "distinctSubjects");
    }
  }

  /** At least {@code threshold} refusals with one of {@code codes} for one client within window. */
  public record RefusalBurst(
      Boolean enabled, Severity severity, Duration window, Integer threshold, List<String> codes) {
    static final List<String> DEFAULT_CODES =
        List.of(
            ErrorCode.ACCESS_DENIED.code(),
            ErrorCode.SIGNATURE_INVALID.code(),
            ErrorCode.MESSAGE_REPLAYED.code(),
            ErrorCode.CLIENT_MISMATCH.code());

    public RefusalBurst {
      enabled = or(enabled, true);
      severity = or(severity, Severity.HIGH);
      window = positive(window, Duration.ofMinutes(1), "window");
      threshold = atLeast(threshold, 10, 1, "threshold");
      codes = List.copyOf(or(codes, DEFAULT_CODES));
      if (codes.isEmpty()) {
        throw new IllegalArgumentException("'codes' must name at least one error code");
      }
      for (String c : codes) {
        if (ErrorCode.fromCode(c).isEmpty()) {
          throw new IllegalArgumentException("'codes' names no error code '" + c + "'");
        }
      }
    }
  }

  /**
   * A client calling from a source address it was never seen at; the first address of a client and
   * those in the first {@code learning} period after start are learned, not alerted.
   */
  public record NewSourceAddress(Boolean enabled, Severity severity, Duration learning) {
    public NewSourceAddress {
      enabled = or(enabled, true);
      severity = or(severity, Severity.MEDIUM);
      learning = learning == null ? Duration.ofHours(24) : learning;
      if (learning.isNegative()) {
        throw new IllegalArgumentException("'learning' must not be negative");
      }
    }
  }

  /**
   * At least {@code count} exchanges of one service within window slower than {@code responseTime}
   * overall or {@code backendTime} at the backend.
   */
  public record SlowExchange(
      Boolean enabled,
      Severity severity,
      Duration window,
      Integer count,
      Duration responseTime,
      Duration backendTime) {
    public SlowExchange {
      enabled = or(enabled, true);
      severity = or(severity, Severity.MEDIUM);
      window = positive(window, Duration.ofMinutes(5), "window");
      count = atLeast(count, 10, 1, "count");
      responseTime = positive(responseTime, Duration.ofSeconds(10), "responseTime");
      backendTime = positive(backendTime, Duration.ofSeconds(5), "backendTime");
    }
  }

  /**
   * A certificate of the node expiring within {@code warnBefore} ({@code critical} within
   * criticalBefore).
   */
  public record CertificateExpiry(
      Boolean enabled, Severity severity, Duration warnBefore, Duration criticalBefore) {
    public CertificateExpiry {
      enabled = or(enabled, true);
      severity = or(severity, Severity.MEDIUM);
      warnBefore = positive(warnBefore, Duration.ofDays(30), "warnBefore");
      criticalBefore = positive(criticalBefore, Duration.ofDays(7), "criticalBefore");
      if (criticalBefore.compareTo(warnBefore) > 0) {
        throw new IllegalArgumentException("'criticalBefore' must not exceed 'warnBefore'");
      }
    }
  }

  /** The signed directory the gateway holds expiring within {@code warnBefore}. */
  public record DirectoryExpiry(Boolean enabled, Severity severity, Duration warnBefore) {
    public DirectoryExpiry {
      enabled = or(enabled, true);
      severity = or(severity, Severity.HIGH);
      warnBefore = positive(warnBefore, Duration.ofMinutes(30), "warnBefore");
    }
  }

  /**
   * The latest checkpoint, once older than {@code grace}, with fewer than {@code minCosignatures}
   * witness cosignatures, or without a time-stamp token when {@code requireTimestamp}.
   */
  public record CheckpointWitnessing(
      Boolean enabled,
      Severity severity,
      Duration grace,
      Integer minCosignatures,
      Boolean requireTimestamp) {
    public CheckpointWitnessing {
      enabled = or(enabled, true);
      severity = or(severity, Severity.HIGH);
      grace = positive(grace, Duration.ofMinutes(5), "grace");
      minCosignatures = atLeast(minCosignatures, 1, 0, "minCosignatures");
      requireTimestamp = or(requireTimestamp, true);
    }
  }

  /**
   * At least {@code threshold} failures of the time-stamp authority or of OCSP within window: the
   * node's failure counters and exchanges refused with {@code timestamp.*} or {@code ocsp.*}.
   */
  public record TrustServiceFailures(
      Boolean enabled, Severity severity, Duration window, Integer threshold) {
    public TrustServiceFailures {
      enabled = or(enabled, true);
      severity = or(severity, Severity.HIGH);
      window = positive(window, Duration.ofMinutes(5), "window");
      threshold = atLeast(threshold, 3, 1, "threshold");
    }
  }

  /**
   * A response held an identifier or classification mark that its grant's leak detectors alert or
   * block on (docs/privacy.md): one alert per client, service and findings.
   */
  public record DataLeak(Boolean enabled, Severity severity) {
    public DataLeak {
      enabled = or(enabled, true);
      severity = or(severity, Severity.HIGH);
    }
  }

  /**
   * A personal-data breach whose authority notification is still due (a registry node's breach
   * register, docs/privacy.md "Incidents"): raised once its deadline is within {@code warnBefore},
   * and again, critical, once it has passed.
   */
  public record BreachNotification(Boolean enabled, Severity severity, Duration warnBefore) {
    public BreachNotification {
      enabled = or(enabled, true);
      severity = or(severity, Severity.HIGH);
      warnBefore = positive(warnBefore, Duration.ofHours(24), "warnBefore");
    }
  }

  /**
   * A procedure case with its working-day limit near (at most {@code slaWarningWorkingDays} of the
   * engine left, docs/procedures.md): raised once per case while it is at risk.
   */
  public record ProcedureAtRisk(Boolean enabled, Severity severity) {
    public ProcedureAtRisk {
      enabled = or(enabled, true);
      severity = or(severity, Severity.MEDIUM);
    }
  }

  /** A procedure case past its working-day limit and not finished: raised once per case. */
  public record ProcedureOverdue(Boolean enabled, Severity severity) {
    public ProcedureOverdue {
      enabled = or(enabled, true);
      severity = or(severity, Severity.HIGH);
    }
  }

  /** The names of the rules, as the file and alerts spell them. */
  static Set<String> names() {
    return java.util.Arrays.stream(AlertRules.class.getRecordComponents())
        .map(java.lang.reflect.RecordComponent::getName)
        .collect(Collectors.toCollection(java.util.TreeSet::new));
  }
}
