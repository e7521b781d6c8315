package org.openlgsp.registry;

import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import org.openlgsp.core.Json;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.MessageSigner;
import org.openlgsp.core.SignedDocument;
import org.openlgsp.statistics.FiguresAnswer;

/**
 * Sends this instance's daily statistics summary to one federated peer by itself, on its {@link
 * SummarySchedule} (docs/statistics.md, "Reported upward"): once the schedule's time of day has
 * passed, every day since the last one sent (at most {@code catchUp} back) is made from the
 * gateways' statistics APIs, signed with the directory-signing key and posted; the last day sent is
 * kept in a file beside the kept catalogues, so a restart sends no day twice (the peer would keep
 * the later one anyway). A failure is logged and tried again {@code retry} later.
 */
public final class SummaryReporter implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(SummaryReporter.class.getName());

  private final String instance;
  private final String peer;
  private final Agreement agreement;
  private final SummarySchedule schedule;
  private final MessageSigner signer;
  private final RegistryClient national;
  private final Path stateFile;
  private final Clock clock;
  private final Duration check;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private volatile Optional<LocalDate> lastSent;
  private LocalDate next; // the first day not sent yet; the loop's own
  private volatile Instant nextAttempt = Instant.MIN;
  private volatile Instant lastSentAt = Instant.EPOCH;
  private volatile boolean running = true;
  private Thread loop;

  SummaryReporter(
      String instance,
      FederationLinks.Link link,
      String registryUrl,
      SummarySchedule schedule,
      MessageSigner signer,
      Path cache,
      Clock clock,
      Duration check) {
    this.instance = instance;
    this.peer = link.peer();
    this.agreement = link.agreement();
    this.schedule = schedule;
    this.signer = signer;
    this.national = new RegistryClient(registryUrl, schedule.token());
    this.stateFile = cache.resolve(agreement.id() + ".summaries").toAbsolutePath();
    this.clock = clock;
    this.check = check;
    this.lastSent = readState();
  }

  SummaryReporter start() {
    loop = Thread.ofVirtual().name("summaries-" + peer).start(this::run);
    return this;
  }

  /** The peer the summaries go to. */
  public String peer() {
    return peer;
  }

  /** Summaries the peer took (stored or already held). */
  public long sent() {
    return sent.get();
  }

  /** Attempts that failed (statistics unreachable, the peer down or refusing). */
  public long failed() {
    return failed.get();
  }

  /** When a summary was last taken by the peer (the epoch when never, since the start). */
  public Instant lastSentAt() {
    return lastSentAt;
  }

  /** The last day whose summary the peer took, as kept on disk. */
  public Optional<LocalDate> lastSentDay() {
    return lastSent;
  }

  /**
   * The latest day whose summary is due at {@code now}: yesterday once today's {@code at} has
   * passed in the schedule's zone, the day before otherwise.
   */
  static LocalDate latestDue(Instant now, SummarySchedule s) {
    ZonedDateTime local = now.atZone(s.zone());
    LocalDate yesterday = local.toLocalDate().minusDays(1);
    return local.toLocalTime().isBefore(s.at()) ? yesterday.minusDays(1) : yesterday;
  }

  private void run() {
    while (running) {
      try {
        round();
      } catch (RuntimeException e) {
        LOG.warning("summaries to " + peer + ": " + e.getClass().getSimpleName());
      }
      try {
        Thread.sleep(check);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Sends what is due now, oldest first, stopping at the first failure. */
  void round() {
    Instant now = clock.instant();
    if (now.isBefore(nextAttempt) || !agreement.validAt(now)) {
      return;
    }
    LocalDate latest = latestDue(now, schedule);
    LocalDate earliest = latest.minusDays(schedule.catchUp() - 1L);
    // without a day sent yet, the first one due at the first round; kept while it fails
    if (next == null) {
      next = lastSent.map(d -> d.plusDays(1)).orElse(latest);
    }
    LocalDate first = next;
    if (first.isBefore(earliest)) {
      LOG.warning(
          "summaries to "
              + peer
              + ": days "
              + first
              + " to "
              + earliest.minusDays(1)
              + " are beyond catchUp ("
              + schedule.catchUp()
              + " days) and are not sent; send them with lgsp registry summary send");
      first = earliest;
    }
    for (LocalDate day = first; !day.isAfter(latest) && running; day = day.plusDays(1)) {
      if (!send(day, now)) {
        return;
      }
    }
  }

  private boolean send(LocalDate day, Instant now) {
    try {
      SignedDocument signed =
          make(instance, agreement.id(), day, schedule.zone(), now, schedule.statistics(), signer);
      AdminResponses.SummaryTaken taken = national.sendSummary(instance, signed);
      writeState(day);
      lastSent = Optional.of(day);
      next = day.plusDays(1);
      lastSentAt = now;
      sent.incrementAndGet();
      LOG.info(
          "summary of "
              + instance
              + " "
              + day
              + " sent to "
              + peer
              + ": "
              + (taken.stored() ? "stored" : "already held"));
      return true;
    } catch (RuntimeException e) {
      failed.incrementAndGet();
      nextAttempt = now.plus(schedule.retry());
      LOG.warning(
          "summary of "
              + instance
              + " "
              + day
              + " not sent to "
              + peer
              + " ("
              + (e instanceof LgspException l
                  ? l.code().code() + ": " + l.detail()
                  : e.getClass().getSimpleName())
              + "); next attempt at "
              + nextAttempt);
      return false;
    }
  }

  /**
   * The signed summary of {@code day} (in {@code zone}) made of the figures {@code statistics}
   * answer for it, grouped by agency and service (as {@code lgsp registry summary send} makes it).
   */
  public static SignedDocument make(
      String instance,
      String agreement,
      LocalDate day,
      ZoneId zone,
      Instant issuedAt,
      List<SummarySchedule.Source> statistics,
      MessageSigner signer) {
    Instant from = day.atStartOfDay(zone).toInstant();
    Instant until = day.plusDays(1).atStartOfDay(zone).toInstant();
    List<FiguresAnswer> answers = new ArrayList<>();
    for (SummarySchedule.Source s : statistics) {
      answers.add(figures(s.url(), s.token(), from, until));
    }
    return SignedDocument.sign(
        DailySummary.of(instance, agreement, day, zone, issuedAt, answers), signer);
  }

  /** A gateway's figures of {@code [from, to)} grouped by agency and service. */
  private static FiguresAnswer figures(String url, String token, Instant from, Instant to) {
    WebClient http =
        WebClient.builder()
            .baseUri(url)
            .connectTimeout(Duration.ofSeconds(5))
            .readTimeout(Duration.ofSeconds(60))
            .followRedirects(false)
            .build();
    try (HttpClientResponse r =
        http.get("/statistics/v1/figures")
            .queryParam("from", from.toString())
            .queryParam("to", to.toString())
            .queryParam("groupBy", "agency,service")
            .header(HeaderNames.AUTHORIZATION, "Bearer " + token)
            .request()) {
      byte[] body = r.entity().hasEntity() ? r.entity().as(byte[].class) : new byte[0];
      if (r.status().code() != 200) {
        throw LgspException.fromProblem(body, "statistics API " + url + " answered " + r.status());
      }
      return Json.read(body, FiguresAnswer.class);
    }
  }

  private Optional<LocalDate> readState() {
    try {
      return Optional.of(LocalDate.parse(Files.readString(stateFile).strip()));
    } catch (NoSuchFileException absent) {
      return Optional.empty();
    } catch (IOException | java.time.DateTimeException e) {
      LOG.warning("summaries to " + peer + ": " + stateFile + " ignored (" + e + ")");
      return Optional.empty();
    }
  }

  private void writeState(LocalDate day) {
    try {
      Files.createDirectories(stateFile.getParent());
      Path temp = Files.createTempFile(stateFile.getParent(), ".summaries", ".tmp");
      Files.writeString(temp, day + "\n", StandardCharsets.UTF_8);
      Files.move(
          temp, stateFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      // the peer keeps one summary per day: sending it again after a restart is harmless
      LOG.warning("summaries to " + peer + ": cannot keep the last day sent in " + stateFile);
    }
  }

  @Override
  public void close() {
    running = false;
    if (loop != null) {
      loop.interrupt();
    }
  }
}
