package org.openlgsp.testkit;

import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.Json;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.PersonalId;
import org.openlgsp.core.Problem;

/**
 * A sample of the national population database (CSDL quốc gia về dân cư) for the demo: generated
 * citizens with structurally valid 12-digit personal IDs, field names as in the C06 citizen lookup
 * (TraCuuThongTinCongDan) and the existence check (XacThucThongTinCongDan). Runs inside {@link
 * Federation} and on its own as {@code lgsp demo backend} (a backend host of a real deployment).
 */
public final class PopulationService {
  private static final String[] FAMILY = {"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng"};
  private static final String[] MIDDLE_M = {"Văn", "Hữu", "Đức", "Minh", "Quốc"};
  private static final String[] MIDDLE_F = {"Thị", "Ngọc", "Thu", "Thanh", "Kim"};
  private static final String[] GIVEN = {
    "An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Khoa", "Lan"
  };
  private static final String[][] PROVINCES = {
    {"072", "Tây Ninh"}, {"079", "TP Hồ Chí Minh"}, {"001", "Hà Nội"}, {"048", "Đà Nẵng"}
  };

  private final Map<String, Map<String, Object>> citizens = new LinkedHashMap<>();
  private volatile java.time.Duration lookupDelay = java.time.Duration.ZERO;
  private final java.util.concurrent.atomic.AtomicInteger lookupsInProgress =
      new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.atomic.AtomicLong lookupsStarted =
      new java.util.concurrent.atomic.AtomicLong();

  // how often each X-Road-Id (the exchange's message id) reached the backend
  private final java.util.concurrent.ConcurrentHashMap<String, Integer> messageIds =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** The demo's and the federation's population: the same citizens for the same seed. */
  public static final long SEED = 20261122L;

  /** {@code count} generated citizens, the same ones for the same {@code seed}. */
  public PopulationService(int count, long seed) {
    Random r = new Random(seed);
    while (citizens.size() < count) {
      Map<String, Object> c = generate(r);
      citizens.putIfAbsent((String) c.get("SoDinhDanh"), c);
    }
  }

  /** The citizens' personal IDs, in generation order. */
  public List<String> ids() {
    return new ArrayList<>(citizens.keySet());
  }

  /**
   * Serves {@code /api/citizens/...} and {@code /api/health} on {@code host:port} (0 = any port).
   */
  public WebServer serve(String host, int port) {
    HttpRouting.Builder routing = HttpRouting.builder();
    routing(routing);
    return WebServer.builder().host(host).port(port).routing(routing).build().start();
  }

  void routing(HttpRouting.Builder routing) {
    routing
        .get("/api/citizens/{id}", this::lookup)
        .post("/api/citizens/verify", this::verify)
        .get("/api/health", (req, res) -> res.send("{\"status\":\"UP\"}"));
  }

  /** Each lookup from now on takes {@code delay} before it answers: a slow backend. */
  void delayLookups(java.time.Duration delay) {
    this.lookupDelay = delay;
  }

  int lookupsInProgress() {
    return lookupsInProgress.get();
  }

  long lookupsStarted() {
    return lookupsStarted.get();
  }

  /** How many lookups carried each message id ({@code X-Road-Id}) so far. */
  Map<String, Integer> messageIds() {
    return Map.copyOf(messageIds);
  }

  private void lookup(ServerRequest req, ServerResponse res) throws InterruptedException {
    lookupsInProgress.incrementAndGet();
    lookupsStarted.incrementAndGet();
    req.headers()
        .first(io.helidon.http.HeaderNames.create("X-Road-Id"))
        .ifPresent(id -> messageIds.merge(id, 1, Integer::sum));
    try {
      Thread.sleep(lookupDelay); // the slow backend a drain test needs, zero otherwise
      answer(req, res);
    } finally {
      lookupsInProgress.decrementAndGet();
    }
  }

  private void answer(ServerRequest req, ServerResponse res) {
    String id = req.path().pathParameters().get("id");
    if (!PersonalId.isValid(id)) {
      problem(res, ErrorCode.REQUEST_MALFORMED, "SoDinhDanh must have 12 digits");
      return;
    }
    Map<String, Object> c = citizens.get(id);
    if (c == null) {
      problem(res, ErrorCode.RESOURCE_NOT_FOUND, "no citizen with that personal ID");
      return;
    }
    res.header("Content-Type", "application/json; charset=utf-8");
    res.send(Json.write(Map.of("CongDan", c, "ThoiDiemDuLieu", LocalDate.now().toString())));
  }

  /** Body {@code {"SoDinhDanh": "...", "HoVaTen": "..."}} → {@code {"TonTai": true|false}}. */
  private void verify(ServerRequest req, ServerResponse res) {
    try {
      byte[] body = req.content().hasEntity() ? req.content().as(byte[].class) : new byte[0];
      VerifyRequest v = body.length == 0 ? null : Json.read(body, VerifyRequest.class);
      if (v == null) { // no body, or the JSON null: a client's mistake like any other
        throw new LgspException(
            ErrorCode.REQUEST_MALFORMED, "body must be {\"SoDinhDanh\": ..., \"HoVaTen\": ...}");
      }
      Map<String, Object> c = citizens.get(v.SoDinhDanh());
      boolean exists = c != null && fullName(c).equalsIgnoreCase(v.HoVaTen().trim());
      res.header("Content-Type", "application/json");
      res.send(Json.write(Map.of("TonTai", exists)));
    } catch (LgspException e) {
      // Json.read's detail names the request type and Jackson's wording: not for callers
      problem(res, e.code(), "body must be {\"SoDinhDanh\": ..., \"HoVaTen\": ...}");
    }
  }

  /** The existence-check request. */
  record VerifyRequest(String SoDinhDanh, String HoVaTen) {
    VerifyRequest {
      if (SoDinhDanh == null || HoVaTen == null) {
        throw new IllegalArgumentException("SoDinhDanh and HoVaTen are required");
      }
    }
  }

  private static void problem(ServerResponse res, ErrorCode code, String detail) {
    res.status(Status.create(code.httpStatus()));
    res.header("Content-Type", Problem.MEDIA_TYPE);
    res.send(Problem.of(code, detail).toJsonBytes());
  }

  static String fullName(Map<String, Object> c) {
    @SuppressWarnings("unchecked")
    Map<String, String> n = (Map<String, String>) c.get("HoVaTen");
    return n.get("Ho") + " " + n.get("ChuDem") + " " + n.get("Ten");
  }

  private static Map<String, Object> generate(Random r) {
    String[] province = PROVINCES[r.nextInt(PROVINCES.length)];
    boolean female = r.nextBoolean();
    LocalDate born = LocalDate.of(1950, 1, 1).plusDays(r.nextInt(365 * 60));
    int centuryDigit = (born.getYear() >= 2000 ? 2 : 0) + (female ? 1 : 0);
    String id =
        province[0]
            + centuryDigit
            + String.format("%02d", born.getYear() % 100)
            + String.format("%06d", r.nextInt(1_000_000));
    Map<String, String> name = new LinkedHashMap<>();
    name.put("Ho", FAMILY[r.nextInt(FAMILY.length)]);
    name.put("ChuDem", (female ? MIDDLE_F : MIDDLE_M)[r.nextInt(5)]);
    name.put("Ten", GIVEN[r.nextInt(GIVEN.length)]);
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("SoDinhDanh", id);
    c.put("HoVaTen", name);
    c.put("GioiTinh", female ? "2" : "1");
    c.put(
        "NgayThangNamSinh", Map.of("NgayThangNam", born.format(DateTimeFormatter.BASIC_ISO_DATE)));
    c.put("QuocTich", "VN");
    c.put("ThuongTru", Map.of("MaTinhThanh", province[0], "ChiTiet", province[1]));
    return c;
  }
}
