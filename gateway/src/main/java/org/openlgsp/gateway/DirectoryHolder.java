package org.openlgsp.gateway;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.openlgsp.core.Directory;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.SignedDocument;

/**
 * The last valid signed directory this gateway has seen. A new one replaces it only if it verifies
 * against the trusted directory-signing certificates and its serial is not older; the gateway keeps
 * working on the last valid one while the registry is unreachable, and refuses traffic once it is
 * past expiry plus the grace period.
 */
public final class DirectoryHolder {
  private final List<X509Certificate> trusted;
  private final Duration grace;
  private final Clock clock;
  private final AtomicReference<DirectoryView> current = new AtomicReference<>();

  public DirectoryHolder(Collection<X509Certificate> trusted, Duration grace, Clock clock) {
    if (trusted.isEmpty()) {
      throw new IllegalArgumentException("at least one trusted directory-signing certificate");
    }
    this.trusted = List.copyOf(trusted);
    this.grace = grace;
    this.clock = clock;
  }

  /**
   * Verifies and installs {@code signed}. Returns the installed directory, or throws {@code
   * directory.invalid} (bad signature, untrusted signer, older serial) or {@code directory.expired}
   * (past its expiry plus the grace period) leaving the current one.
   */
  Directory accept(SignedDocument signed) {
    Instant now = clock.instant();
    Directory d = signed.verify(trusted, now, Directory.SIGNED);
    if (!d.usableAt(now, grace)) {
      throw new LgspException(
          ErrorCode.DIRECTORY_EXPIRED,
          "directory serial " + d.serial() + " expired at " + d.expiresAt() + ", past its grace");
    }
    DirectoryView next = DirectoryView.at(d, now);
    DirectoryView prev;
    do {
      prev = current.get();
      if (prev != null && d.serial() < prev.serial()) {
        throw new LgspException(
            ErrorCode.DIRECTORY_INVALID,
            "directory serial " + d.serial() + " is older than the current " + prev.serial());
      }
    } while (!current.compareAndSet(prev, next));
    return d;
  }

  /** The directory to act on now, or {@code directory.expired}. */
  DirectoryView require() {
    DirectoryView v = current.get();
    if (v == null) {
      throw new LgspException(ErrorCode.DIRECTORY_EXPIRED, "no valid directory has been loaded");
    }
    Instant now = clock.instant();
    if (v.federationExpiredAt(now)) {
      // A federated catalogue is never used past its own expiry, whatever the directory's.
      DirectoryView fresh = DirectoryView.at(v.original(), now);
      v = current.compareAndSet(v, fresh) ? fresh : current.get();
    }
    if (!v.directory().usableAt(now, grace)) {
      throw new LgspException(
          ErrorCode.DIRECTORY_EXPIRED,
          "directory serial "
              + v.serial()
              + " expired at "
              + v.expiresAt()
              + " and the registry has not supplied a newer one");
    }
    return v;
  }

  /** The current directory if any, usable or not. */
  public Optional<Directory> current() {
    return Optional.ofNullable(current.get()).map(DirectoryView::directory);
  }

  Optional<DirectoryView> view() {
    return Optional.ofNullable(current.get());
  }

  Clock clock() {
    return clock;
  }
}
