package org.openlgsp.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.openlgsp.core.Json;
import org.openlgsp.core.LgspException;

/**
 * The sample agency services of procedure groups 1 and 2 (Decree 63/2024), each its own HTTP server
 * as a backend host of its agency: civil status (Bộ Tư pháp: birth and death registration),
 * residence (Bộ Công an: permanent residence registration, deregistration and its reinstatement),
 * social insurance (BHXH Việt Nam: health-insurance card for a child under 6, funeral allowance).
 * Field names in the style of the national APIs (docs/shared national-apis.md: {@code maHoSo},
 * {@code soDinhDanh}, {@code maSoBhxh}, dates {@code yyyyMMdd}, {@code gioiTinh} 1/2).
 *
 * <p>Group 2 keeps what an agency's register would: the deaths registered (a second registration of
 * the same person is refused), the persons whose permanent residence is deregistered (deregistering
 * twice or reinstating someone not deregistered is refused), the social-insurance contribution
 * records ({@link #insure}) and the funeral allowances granted (one per deceased).
 *
 * <p>Each honours the {@code Idempotency-Key} header: the first request with a key acts and its
 * answer is kept; a request repeating the key gets that same answer without acting again (counted
 * as a replay). A request without a key is refused (400). Tests make a backend fail (503) a number
 * of times before acting, refuse for good (422), or answer garbage.
 */
public final class AgencyBackends implements AutoCloseable {
  /** The three agencies. */
  public enum Agency {
    CIVIL_STATUS("/api/hotich"),
    RESIDENCE("/api/cutru"),
    SOCIAL_INSURANCE("/api/bhxh");

    private final String base;

    Agency(String base) {
      this.base = base;
    }

    public String base() {
      return base;
    }
  }

  /**
   * What a backend saw of one request: the headers a procedure step must send ({@code purpose}
   * percent-decoded: the engine sends the case code and the purpose in UTF-8 percent-encoding).
   */
  public record Seen(
      String operation, String idempotencyKey, String client, String purpose, String officer) {}

  private static final DateTimeFormatter YMD = DateTimeFormatter.BASIC_ISO_DATE;
  private static final java.time.ZoneId VIETNAM = java.time.ZoneId.of("Asia/Ho_Chi_Minh");
  private static final String KEY = "Idempotency-Key";

  /**
   * Mức lương cơ sở (VND/month) from the day it applies: Decree 24/2023/NĐ-CP (1,800,000 from 1
   * July 2023) and Decree 73/2024/NĐ-CP (2,340,000 from 1 July 2024). The funeral allowance is ten
   * times the level of the month of death (Law on Social Insurance 2014 art. 66; 2024 art. 85, its
   * reference level being the base salary until set otherwise).
   */
  private static final java.util.NavigableMap<LocalDate, Long> BASE_SALARY =
      new java.util.TreeMap<>(
          Map.of(LocalDate.of(2023, 7, 1), 1_800_000L, LocalDate.of(2024, 7, 1), 2_340_000L));

  /** Months of compulsory contributions a deceased needs for the funeral allowance. */
  static final int FUNERAL_MIN_MONTHS = 12;

  private final Map<Agency, Backend> backends = new EnumMap<>(Agency.class);

  private AgencyBackends() {}

  /** Starts the three servers on {@code host}, each on a free port. */
  public static AgencyBackends start(String host) {
    AgencyBackends b = new AgencyBackends();
    try {
      for (Agency a : Agency.values()) {
        b.backends.put(a, new Backend(a, host));
      }
    } catch (RuntimeException e) {
      b.close();
      throw e;
    }
    return b;
  }

  /**
   * A dossier (hồ sơ) of procedure group 1 as the sample agencies read it: a boy born {@code
   * daysAgo} days ago at the provincial hospital, his mother (personal ID {@code motherId}), and
   * the family's address in Tây Ninh.
   */
  public static JsonNode birthDossier(String motherId, int daysAgo) {
    return Json.mapper()
        .valueToTree(
            Map.of(
                "treEm",
                Map.of(
                    "hoTen", "Nguyễn Minh An",
                    "ngaySinh",
                        LocalDate.now(java.time.ZoneId.of("Asia/Ho_Chi_Minh"))
                            .minusDays(daysAgo)
                            .format(YMD),
                    "gioiTinh", "1",
                    "noiSinh", "Bệnh viện Đa khoa tỉnh Tây Ninh"),
                "me",
                Map.of("hoTen", "Trần Thị Lan", "soDinhDanh", motherId),
                "noiCuTru",
                Map.of("maTinhThanh", "072", "chiTiet", "Phường 3, thành phố Tây Ninh")));
  }

  /**
   * A dossier (hồ sơ) of procedure group 2: a man (personal ID {@code deceasedId}) who died {@code
   * daysAgo} days ago at the provincial hospital, declared by his daughter ({@code declarantId}),
   * his permanent residence in Tây Ninh.
   */
  public static JsonNode deathDossier(String deceasedId, String declarantId, int daysAgo) {
    Map<String, Object> nguoiChet = new LinkedHashMap<>();
    nguoiChet.put("hoTen", "Lê Văn Hùng");
    nguoiChet.put("soDinhDanh", deceasedId);
    nguoiChet.put("ngaySinh", "19480315");
    nguoiChet.put("gioiTinh", "1");
    nguoiChet.put("ngayChet", LocalDate.now(VIETNAM).minusDays(daysAgo).format(YMD));
    nguoiChet.put("noiChet", "Bệnh viện Đa khoa tỉnh Tây Ninh");
    nguoiChet.put("nguyenNhanChet", "Bệnh lý");
    return Json.mapper()
        .valueToTree(
            Map.of(
                "nguoiChet",
                nguoiChet,
                "nguoiYeuCau",
                Map.of("hoTen", "Lê Thị Mai", "soDinhDanh", declarantId, "quanHe", "Con"),
                "noiCuTru",
                Map.of("maTinhThanh", "072", "chiTiet", "Phường 3, thành phố Tây Ninh")));
  }

  /**
   * A new personal ID (số định danh cá nhân) of 12 digits: province code, century and sex, year,
   * six random digits (national-apis.md §7).
   */
  public static String personalId(String province, LocalDate born, String gioiTinh) {
    int century = (born.getYear() / 100 - 19) * 2 + (gioiTinh.equals("2") ? 1 : 0);
    return province
        + century
        + String.format("%02d", born.getYear() % 100)
        + String.format("%06d", ThreadLocalRandom.current().nextInt(1_000_000));
  }

  /**
   * Social insurance's record of {@code soDinhDanh}: {@code months} months of compulsory
   * contributions (the funeral allowance needs {@value #FUNERAL_MIN_MONTHS}).
   */
  public void insure(String soDinhDanh, int months) {
    backends
        .get(Agency.SOCIAL_INSURANCE)
        .contributions
        .put(
            soDinhDanh,
            new Contributions(
                String.format("%010d", ThreadLocalRandom.current().nextLong(10_000_000_000L)),
                months));
  }

  /** Whether the residence register has {@code soDinhDanh}'s permanent residence deregistered. */
  public boolean deregistered(String soDinhDanh) {
    return backends.get(Agency.RESIDENCE).deregistered.contains(soDinhDanh);
  }

  /** Whether the civil status register holds the death of {@code soDinhDanh}. */
  public boolean deathRegistered(String soDinhDanh) {
    return backends.get(Agency.CIVIL_STATUS).deaths.contains(soDinhDanh);
  }

  /** The agency's API base, e.g. {@code http://127.0.0.1:20001/api/hotich}. */
  public String url(Agency a) {
    return "http://127.0.0.1:" + backends.get(a).server.port() + a.base();
  }

  /** How many times the agency really did {@code operation} (not counting replays). */
  public long actions(Agency a, String operation) {
    return backends.get(a).actions.getOrDefault(operation, new AtomicLong()).get();
  }

  /** The operations the agency really did for case {@code maHoSo}, in order. */
  public List<String> actedFor(Agency a, String maHoSo) {
    return List.copyOf(backends.get(a).actedByCase.getOrDefault(maHoSo, List.of()));
  }

  /** The answer the agency gave and keeps for {@code idempotencyKey}, when it acted on it. */
  public java.util.Optional<JsonNode> answered(Agency a, String idempotencyKey) {
    Answer kept = backends.get(a).answers.get(idempotencyKey);
    return kept == null || kept.status() != 200
        ? java.util.Optional.empty()
        : java.util.Optional.of(Json.read(kept.body(), JsonNode.class));
  }

  /**
   * When the agency first received a request with idempotency key {@code key} (a step's first try),
   * empty when never: benchmarks split a case's time into its steps with it.
   */
  public java.util.Optional<java.time.Instant> firstAsked(Agency a, String key) {
    return java.util.Optional.ofNullable(backends.get(a).firstAsked.get(key));
  }

  /** Requests answered from the kept answer of a key already seen. */
  public long replays(Agency a) {
    return backends.get(a).replays.get();
  }

  /** Every request the agency received, in order (failed, refused and replayed ones too). */
  public List<Seen> seen(Agency a) {
    synchronized (backends.get(a).seen) {
      return List.copyOf(backends.get(a).seen);
    }
  }

  /** The next {@code n} requests are answered 503 before anything is done. */
  public void failNext(Agency a, int n) {
    backends.get(a).failNext.set(n);
  }

  /** From now on, new requests are refused for good (422, {@code trangThai} 0). */
  public void refuse(Agency a, boolean on) {
    backends.get(a).refuse = on;
  }

  /** From now on, the agency takes {@code delay} before it acts on a new key (a slow agency). */
  public void delayActions(Agency a, java.time.Duration delay) {
    backends.get(a).delay = delay;
  }

  /**
   * From now on, the agency takes {@code delay} before it does {@code operation} on a new key for a
   * dossier whose mother has personal ID {@code motherId} (other cases are not slowed); {@link
   * java.time.Duration#ZERO} ends it. Crash tests use it to hold one case at one point.
   */
  public void delayFor(Agency a, String operation, String motherId, java.time.Duration delay) {
    backends.get(a).delays.put(operation + " " + motherId, delay);
  }

  /** The idempotency keys of the requests the agency is holding in a delay right now. */
  public java.util.Set<String> held(Agency a) {
    return java.util.Set.copyOf(backends.get(a).held.keySet());
  }

  /** From now on, requests for dossiers of {@code motherId} are answered 503 (or no longer). */
  public void failFor(Agency a, String motherId, boolean on) {
    if (on) {
      backends.get(a).failing.add(motherId);
    } else {
      backends.get(a).failing.remove(motherId);
    }
  }

  /** From now on, new requests for dossiers of {@code motherId} are refused for good (or not). */
  public void refuseFor(Agency a, String motherId, boolean on) {
    if (on) {
      backends.get(a).refusing.add(motherId);
    } else {
      backends.get(a).refusing.remove(motherId);
    }
  }

  /** From now on, requests are answered 200 with a body that is no JSON. */
  public void answerGarbage(Agency a, boolean on) {
    backends.get(a).garbage = on;
  }

  @Override
  public void close() {
    backends.values().forEach(b -> b.server.stop());
  }

  private record Answer(int status, byte[] body) {}

  private record Contributions(String maSoBhxh, int months) {}

  private static final class Backend {
    private final Agency agency;
    private final WebServer server;
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> actions = new ConcurrentHashMap<>();
    private final Map<String, List<String>> actedByCase = new ConcurrentHashMap<>();
    private final AtomicLong replays = new AtomicLong();
    private final AtomicInteger failNext = new AtomicInteger();
    private final List<Seen> seen = new ArrayList<>();
    private final Map<String, java.time.Instant> firstAsked = new ConcurrentHashMap<>();
    private volatile boolean refuse;
    private volatile boolean garbage;
    private volatile java.time.Duration delay = java.time.Duration.ZERO;
    private final Map<String, java.time.Duration> delays = new ConcurrentHashMap<>();
    private final java.util.Set<String> failing = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> held = new ConcurrentHashMap<>();
    private final java.util.Set<String> refusing = ConcurrentHashMap.newKeySet();
    // the agency's register (group 2): what a repeated or undone act must find
    private final java.util.Set<String> deaths = ConcurrentHashMap.newKeySet();
    private final java.util.Set<String> deregistered = ConcurrentHashMap.newKeySet();
    private final Map<String, Contributions> contributions = new ConcurrentHashMap<>();
    private final java.util.Set<String> funeralsPaid = ConcurrentHashMap.newKeySet();

    Backend(Agency agency, String host) {
      this.agency = agency;
      HttpRouting.Builder r = HttpRouting.builder();
      switch (agency) {
        case CIVIL_STATUS ->
            r.post(agency.base() + "/dangKyKhaiSinh", this::handle)
                .post(agency.base() + "/dangKyKhaiTu", this::handle);
        case RESIDENCE ->
            r.post(agency.base() + "/dangKyThuongTru", this::handle)
                .post(agency.base() + "/xoaDangKyThuongTru", this::handle)
                .post(agency.base() + "/khoiPhucDangKyThuongTru", this::handle);
        case SOCIAL_INSURANCE ->
            r.post(agency.base() + "/capTheBhytTreEm", this::handle)
                .post(agency.base() + "/giaiQuyetTroCapMaiTang", this::handle);
      }
      this.server = WebServer.builder().host(host).port(0).routing(r).build().start();
    }

    private void handle(ServerRequest req, ServerResponse res) {
      String path = req.path().path();
      String operation = path.substring(path.lastIndexOf('/') + 1);
      var h = req.headers();
      String key = h.first(io.helidon.http.HeaderNames.create(KEY)).orElse("");
      synchronized (seen) {
        seen.add(
            new Seen(
                operation,
                key,
                h.first(io.helidon.http.HeaderNames.create("X-Road-Client")).orElse(""),
                java.net.URLDecoder.decode(
                    h.first(io.helidon.http.HeaderNames.create("X-Road-Issue")).orElse(""),
                    StandardCharsets.UTF_8),
                h.first(io.helidon.http.HeaderNames.create("X-Road-UserId")).orElse("")));
      }
      byte[] body = req.content().hasEntity() ? req.content().as(byte[].class) : new byte[0];
      if (!key.isEmpty()) {
        firstAsked.putIfAbsent(key, java.time.Instant.now());
      }
      if (key.isEmpty()) {
        send(res, new Answer(400, error(400, "thiếu Idempotency-Key")));
        return;
      }
      String mother = motherOf(body);
      if (failNext.getAndUpdate(n -> Math.max(n - 1, 0)) > 0 || failing.contains(mother)) {
        send(res, new Answer(503, error(503, "hệ thống tạm thời không phục vụ")));
        return;
      }
      if (garbage) {
        res.header("Content-Type", "application/json");
        res.send("<html>Lỗi hệ thống</html>".getBytes(StandardCharsets.UTF_8));
        return;
      }
      Answer kept = answers.get(key);
      if (kept != null) {
        replays.incrementAndGet();
        send(res, kept);
        return;
      }
      java.time.Duration wait =
          delays.getOrDefault(operation + " " + mother, java.time.Duration.ZERO).plus(delay);
      if (!wait.isZero()) {
        held.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        try {
          Thread.sleep(wait); // the slow agency a crash test needs, zero otherwise
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        } finally {
          held.computeIfPresent(key, (k, n) -> n.decrementAndGet() == 0 ? null : n);
        }
      }
      // one answer per key even when two tries of a step arrive at once
      Answer answer =
          answers.computeIfAbsent(
              key,
              k -> {
                if (refuse || refusing.contains(mother)) {
                  return new Answer(422, error(500, "dữ liệu không hợp lệ (DATA_INCORRECT)"));
                }
                try {
                  JsonNode in = Json.read(body, JsonNode.class);
                  Map<String, Object> out = act(operation, in);
                  actions.computeIfAbsent(operation, o -> new AtomicLong()).incrementAndGet();
                  actedByCase
                      .computeIfAbsent(
                          in.path("maHoSo").asText(),
                          c -> new java.util.concurrent.CopyOnWriteArrayList<>())
                      .add(operation);
                  return new Answer(200, Json.write(out));
                } catch (LgspException | IllegalArgumentException | DateTimeParseException e) {
                  return new Answer(422, error(500, "dữ liệu không hợp lệ: " + e.getMessage()));
                }
              });
      send(res, answer);
    }

    /**
     * Whom the dossier is about: the mother's personal ID (group 1) or the deceased's (group 2), or
     * "" when the body says none.
     */
    private static String motherOf(byte[] body) {
      try {
        JsonNode hoSo = Json.read(body, JsonNode.class).path("hoSo");
        return hoSo.has("nguoiChet")
            ? hoSo.path("nguoiChet").path("soDinhDanh").asText()
            : hoSo.path("me").path("soDinhDanh").asText();
      } catch (RuntimeException e) {
        return "";
      }
    }

    private Map<String, Object> act(String operation, JsonNode in) {
      JsonNode hoSo = in.path("hoSo");
      String maHoSo = text(in, "maHoSo");
      LocalDate today = LocalDate.now(VIETNAM);
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("trangThai", 1);
      out.put("maHoSo", maHoSo);
      switch (operation) {
        case "dangKyKhaiSinh" -> {
          JsonNode treEm = hoSo.path("treEm");
          LocalDate born = LocalDate.parse(text(treEm, "ngaySinh"), YMD);
          String gioiTinh = text(treEm, "gioiTinh");
          String province = hoSo.path("noiCuTru").path("maTinhThanh").asText("072");
          out.put("soDinhDanh", personalId(province, born, gioiTinh));
          out.put("hoTen", text(treEm, "hoTen"));
          out.put("soDangKy", ThreadLocalRandom.current().nextInt(1, 999) + "/" + today.getYear());
          out.put("quyenSo", "01/" + today.getYear());
          out.put("ngayDangKy", today.format(YMD));
        }
        case "dangKyThuongTru" -> {
          String id = text(in.path("ketQua").path("dangKyKhaiSinh"), "soDinhDanh");
          deregistered.remove(id);
          out.put("soDinhDanh", id);
          out.put("diaChiThuongTru", text(hoSo.path("noiCuTru"), "chiTiet"));
          out.put("ngayDangKy", today.format(YMD));
        }
        case "dangKyKhaiTu" -> {
          JsonNode nguoiChet = hoSo.path("nguoiChet");
          String id = personalIdOf(nguoiChet);
          LocalDate died = LocalDate.parse(text(nguoiChet, "ngayChet"), YMD);
          if (died.isAfter(today)) {
            throw new IllegalArgumentException("ngày chết sau ngày đăng ký");
          }
          if (personalIdOf(hoSo.path("nguoiYeuCau")).equals(id)) {
            throw new IllegalArgumentException("người yêu cầu không thể là người đã chết");
          }
          if (!deaths.add(id)) {
            throw new IllegalArgumentException("người này đã được đăng ký khai tử");
          }
          String soDangKy = ThreadLocalRandom.current().nextInt(1, 999) + "/" + today.getYear();
          out.put("soDinhDanh", id);
          out.put("hoTen", text(nguoiChet, "hoTen"));
          out.put("ngayChet", died.format(YMD));
          out.put("soDangKy", soDangKy);
          out.put("quyenSo", "01/" + today.getYear());
          out.put("ngayDangKy", today.format(YMD));
          out.put("soTrichLucKhaiTu", soDangKy + "/TLKT-BS");
          // what the registration rests on: the facility's death notice, or the declaration
          out.put(
              "giayToCanCu",
              hoSo.has("giayBaoTu")
                  ? "Giấy báo tử số " + deathNoticeNumber(hoSo.path("giayBaoTu"))
                  : "Tờ khai của người yêu cầu");
        }
        case "xoaDangKyThuongTru" -> {
          // group 2: the deceased, on the death registration; group 1: the undo of the child's
          boolean death = hoSo.has("nguoiChet");
          String id =
              death
                  ? personalIdOf(hoSo.path("nguoiChet"))
                  : text(in.path("ketQua").path("dangKyKhaiSinh"), "soDinhDanh");
          String lyDo =
              death
                  ? "Người đăng ký thường trú đã chết (trích lục khai tử số "
                      + text(in.path("ketQua").path("dangKyKhaiTu"), "soTrichLucKhaiTu")
                      + ")"
                  : "Huỷ đăng ký thường trú: hồ sơ liên thông không hoàn thành";
          if (!deregistered.add(id)) {
            throw new IllegalArgumentException("công dân đã bị xoá đăng ký thường trú");
          }
          out.put("soDinhDanh", id);
          out.put("ngayXoa", today.format(YMD));
          out.put("lyDoXoa", lyDo);
        }
        case "khoiPhucDangKyThuongTru" -> {
          String id = personalIdOf(hoSo.path("nguoiChet"));
          if (!deregistered.remove(id)) {
            throw new IllegalArgumentException("không có đăng ký thường trú đã xoá để khôi phục");
          }
          out.put("soDinhDanh", id);
          out.put("ngayKhoiPhuc", today.format(YMD));
          out.put("lyDo", "Hoàn tác: hồ sơ liên thông " + maHoSo + " không hoàn thành");
        }
        case "giaiQuyetTroCapMaiTang" -> {
          JsonNode nguoiChet = hoSo.path("nguoiChet");
          String id = personalIdOf(nguoiChet);
          text(in.path("ketQua").path("dangKyKhaiTu"), "soTrichLucKhaiTu"); // rests on it
          Contributions record = contributions.get(id);
          if (record == null) {
            throw new IllegalArgumentException("không có quá trình tham gia BHXH");
          }
          if (record.months() < FUNERAL_MIN_MONTHS) {
            throw new IllegalArgumentException(
                "chưa đủ " + FUNERAL_MIN_MONTHS + " tháng đóng BHXH bắt buộc");
          }
          LocalDate died = LocalDate.parse(text(nguoiChet, "ngayChet"), YMD);
          var base = BASE_SALARY.floorEntry(died);
          if (base == null) {
            throw new IllegalArgumentException("ngày chết trước bảng mức lương cơ sở");
          }
          if (!funeralsPaid.add(id)) {
            throw new IllegalArgumentException("đã giải quyết trợ cấp mai táng cho người này");
          }
          JsonNode nguoiYeuCau = hoSo.path("nguoiYeuCau");
          out.put("soDinhDanh", id);
          out.put("maSoBhxh", record.maSoBhxh());
          out.put("soThangDongBhxh", record.months());
          out.put("mucLuongCoSo", base.getValue());
          out.put("mucTroCapMaiTang", base.getValue() * 10);
          out.put(
              "nguoiHuong",
              Map.of(
                  "hoTen", text(nguoiYeuCau, "hoTen"),
                  "soDinhDanh", personalIdOf(nguoiYeuCau)));
          out.put("soQuyetDinh", ThreadLocalRandom.current().nextInt(1, 9999) + "/QĐ-BHXH");
          out.put("ngayQuyetDinh", today.format(YMD));
        }
        case "capTheBhytTreEm" -> {
          JsonNode khaiSinh = in.path("ketQua").path("dangKyKhaiSinh");
          String id = text(khaiSinh, "soDinhDanh");
          LocalDate born = LocalDate.parse(text(hoSo.path("treEm"), "ngaySinh"), YMD);
          if (!born.plusYears(6).isAfter(today)) {
            throw new IllegalArgumentException("trẻ em không dưới 6 tuổi");
          }
          String maSoBhxh =
              String.format("%010d", ThreadLocalRandom.current().nextLong(10_000_000_000L));
          out.put("soDinhDanh", id);
          out.put("maSoBhxh", maSoBhxh);
          out.put("maThe", "TE1" + id.substring(1, 3) + maSoBhxh);
          out.put("giaTriTu", born.format(YMD));
          out.put("giaTriDen", born.plusYears(6).minusDays(1).format(YMD));
        }
        default -> throw new IllegalArgumentException("unknown operation");
      }
      return out;
    }

    private static String personalIdOf(JsonNode person) {
      String id = text(person, "soDinhDanh");
      if (!id.matches("[0-9]{12}")) {
        throw new IllegalArgumentException("soDinhDanh không hợp lệ");
      }
      return id;
    }

    /** The number of the death notice in its signed envelope (the engine verified it). */
    private static String deathNoticeNumber(JsonNode envelope) {
      byte[] payload = java.util.Base64.getDecoder().decode(text(envelope, "payload"));
      return text(Json.read(payload, JsonNode.class), "soGiayBaoTu");
    }

    private static String text(JsonNode n, String field) {
      JsonNode v = n.path(field);
      if (!v.isTextual() || v.asText().isBlank()) {
        throw new IllegalArgumentException("thiếu " + field);
      }
      return v.asText();
    }

    private static byte[] error(int code, String message) {
      return Json.write(Map.of("trangThai", 0, "maLoi", code, "moTa", message));
    }

    private static void send(ServerResponse res, Answer a) {
      res.status(Status.create(a.status()));
      res.header("Content-Type", "application/json; charset=utf-8");
      res.send(a.body());
    }

    @Override
    public String toString() {
      return Objects.toString(agency);
    }
  }
}
