package org.openlgsp.pki;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.openlgsp.core.Certificates;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;

/**
 * Fails closed on certificates that are revoked or whose status is not known freshly enough. OCSP
 * answers are cached per certificate and refreshed once half the freshness window has passed; an
 * answer a peer attached to its message (a "staple") is used instead of calling the responder. So a
 * revoked certificate is refused at the latest one freshness window after its revocation.
 *
 * <p>A refresh runs inside the cache's per-key compute, so concurrent checks of one certificate
 * make one responder call between them. Answers are kept by certificate fingerprint; the cap only
 * bounds memory (the certificates checked are the directory's), and dropping an answer costs one
 * more responder call, never a pass.
 */
public final class RevocationChecker {
  private final java.util.function.Supplier<List<X509Certificate>> issuers;
  private final OcspClient client;
  private final Duration freshness;
  // half the freshness window, when an answer is refreshed: computed once (Duration.dividedBy
  // goes through BigDecimal, and young() runs several times per exchange)
  private final Duration refreshAfter;
  private final Clock clock;
  private final Cache<String, RevocationStatus> cache =
      Caffeine.newBuilder()
          .maximumSize(10_000)
          .executor(Runnable::run) // no common-pool wake-up per write
          .build();
  private final java.util.concurrent.atomic.AtomicLong failedFetches =
      new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong verifiedStaples =
      new java.util.concurrent.atomic.AtomicLong();

  /**
   * @param issuers the CA certificates that issue the federation's node and member certificates
   *     (built-in issuing CA and imported external ones)
   * @param freshness how old an OCSP answer may be before it no longer counts
   */
  public RevocationChecker(
      List<X509Certificate> issuers, OcspClient client, Duration freshness, Clock clock) {
    this(supplierOf(issuers), client, freshness, clock);
  }

  /**
   * As above, with issuers asked anew when needed — e.g. the trust anchors of the current signed
   * directory, so an imported external CA takes effect without a restart.
   */
  public RevocationChecker(
      java.util.function.Supplier<List<X509Certificate>> issuers,
      OcspClient client,
      Duration freshness,
      Clock clock) {
    if (freshness.isNegative() || freshness.isZero()) {
      throw new IllegalArgumentException("freshness must be positive");
    }
    this.issuers = issuers;
    this.client = Objects.requireNonNull(client, "client");
    this.freshness = freshness;
    this.refreshAfter = freshness.dividedBy(2);
    this.clock = clock;
  }

  private static java.util.function.Supplier<List<X509Certificate>> supplierOf(
      List<X509Certificate> issuers) {
    if (issuers.isEmpty()) {
      throw new IllegalArgumentException("revocation checking needs the issuing CA certificates");
    }
    List<X509Certificate> copy = List.copyOf(issuers);
    return () -> copy;
  }

  Duration freshness() {
    return freshness;
  }

  /**
   * Passes only when {@code certificate} is known good within the freshness window.
   *
   * @param staple an OCSP response the certificate's holder attached, if any
   * @throws LgspException {@code certificate.revoked}, {@code ocsp.stale}, {@code ocsp.unavailable}
   *     or {@code certificate.issuer_unknown}
   */
  public void requireGood(X509Certificate certificate, Optional<byte[]> staple) {
    Instant now = clock.instant();
    String key = Certificates.fingerprint(certificate);
    RevocationStatus cached = cache.getIfPresent(key);
    if (cached != null && (!(cached instanceof RevocationStatus.Good) || young(cached, now))) {
      cached.requireGood(certificate, now, freshness);
      return;
    }
    if (staple.isPresent()) {
      // The very answer verified and held already, stapled again: past half its freshness window
      // the holder refreshes it at its next message, and every message sent meanwhile (all the
      // exchanges in flight) carries it — verifying its two signatures again for each of them
      // cost more than the rest of the exchange's revocation work. Still refused once stale.
      if (cached instanceof RevocationStatus.Good
          && cached.freshAt(now, freshness)
          && java.util.Arrays.equals(cached.response(), staple.get())) {
        return;
      }
      Optional<RevocationStatus> s = fromStaple(certificate, staple.get(), now);
      if (s.isPresent()) {
        remember(key, s.get());
        s.get().requireGood(certificate, now, freshness);
        return;
      }
    }
    current(certificate, key, now).requireGood(certificate, now, freshness);
  }

  /**
   * A fresh OCSP response for one of our own certificates, to attach to what we sign; empty when
   * none can be had (the peer then asks the responder itself).
   */
  public Optional<byte[]> staple(X509Certificate own) {
    Instant now = clock.instant();
    try {
      RevocationStatus s = current(own, Certificates.fingerprint(own), now);
      return s instanceof RevocationStatus.Good && s.freshAt(now, freshness)
          ? Optional.of(s.response())
          : Optional.empty();
    } catch (LgspException e) {
      return Optional.empty();
    }
  }

  /**
   * When the OCSP answer this checker holds for {@code certificate} was produced (its thisUpdate),
   * without asking the responder: what monitoring shows as the answer's age. Empty when none is
   * held.
   */
  public Optional<Instant> answerTime(X509Certificate certificate) {
    return Optional.ofNullable(cache.getIfPresent(Certificates.fingerprint(certificate)))
        .map(RevocationStatus::thisUpdate);
  }

  /**
   * How many times since start the responder could not give a usable answer (unreachable, timed
   * out, an error status or an answer that does not verify), whether or not a last answer still
   * covered for it: what the alert rule on trust services and the failure counter watch.
   */
  public long failedFetches() {
    return failedFetches.get();
  }

  /** How many stapled answers this checker has verified (signatures checked) since start. */
  long verifiedStaples() {
    return verifiedStaples.get();
  }

  /** The cached answer when young enough, else a new one from the responder. */
  private RevocationStatus current(X509Certificate certificate, String key, Instant now) {
    RevocationStatus cached = cache.getIfPresent(key);
    if (cached != null && (!(cached instanceof RevocationStatus.Good) || young(cached, now))) {
      return cached;
    }
    // Whatever the responder said is what this check acts on, even when the cache keeps a newer
    // answer; a failure thrown from the compute leaves the last answer in place.
    RevocationStatus[] answer = new RevocationStatus[1];
    cache
        .asMap()
        .compute(
            key,
            (k, last) -> {
              answer[0] = refreshed(certificate, last, now);
              return newer(last, answer[0]);
            });
    return answer[0];
  }

  private RevocationStatus refreshed(
      X509Certificate certificate, RevocationStatus last, Instant now) {
    if (last != null && young(last, now)) {
      return last; // another check refreshed it meanwhile
    }
    try {
      return fetch(certificate);
    } catch (LgspException e) {
      if (last == null) {
        throw e;
      }
      if (last.freshAt(now, freshness)) {
        return last; // the responder is down but the last answer still counts
      }
      throw new LgspException(
          ErrorCode.OCSP_STALE,
          "the last OCSP answer for "
              + CertificateValidator.describe(certificate)
              + " is older than "
              + freshness
              + " and no new one can be had: "
              + e.detail());
    }
  }

  /** Asks the responder, counting its failures; an issuer unknown here is none of its failures. */
  private RevocationStatus fetch(X509Certificate certificate) {
    X509Certificate issuer = issuerOf(certificate);
    try {
      return client.status(certificate, issuer);
    } catch (RuntimeException e) {
      failedFetches.incrementAndGet();
      throw e;
    }
  }

  private Optional<RevocationStatus> fromStaple(
      X509Certificate certificate, byte[] der, Instant now) {
    verifiedStaples.incrementAndGet();
    try {
      RevocationStatus s =
          OcspVerifier.verify(der, certificate, issuerOf(certificate), Optional.empty(), now);
      return s instanceof RevocationStatus.Good && !s.freshAt(now, freshness)
          ? Optional.empty()
          : Optional.of(s);
    } catch (LgspException e) {
      // An unusable staple is no worse than none: ask the responder.
      return Optional.empty();
    }
  }

  private void remember(String key, RevocationStatus s) {
    cache.asMap().merge(key, s, RevocationChecker::newer);
  }

  private static RevocationStatus newer(RevocationStatus old, RevocationStatus neu) {
    return old != null && neu.thisUpdate().isBefore(old.thisUpdate()) ? old : neu;
  }

  private boolean young(RevocationStatus s, Instant now) {
    return s.freshAt(now, refreshAfter);
  }

  X509Certificate issuerOf(X509Certificate certificate) {
    for (X509Certificate ca : issuers.get()) {
      if (ca.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
        try {
          certificate.verify(ca.getPublicKey());
          return ca;
        } catch (java.security.GeneralSecurityException e) {
          // same name, other key: keep looking
        }
      }
    }
    throw new LgspException(
        ErrorCode.CERTIFICATE_ISSUER_UNKNOWN,
        "certificate "
            + CertificateValidator.describe(certificate)
            + " was issued by "
            + certificate.getIssuerX500Principal().getName()
            + ", which is not a CA this node checks revocation with; add the CA as a trust"
            + " anchor or to revocation.issuers");
  }
}
