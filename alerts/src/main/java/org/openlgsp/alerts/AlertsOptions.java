package org.openlgsp.alerts;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.openlgsp.edge.AdminApi;

/**
 * How a gateway raises and delivers security alerts (docs/alerts.md "Configuration"); the node
 * binds {@code gateway.alerts} of node.yaml onto it, a key left out taking its default.
 *
 * @param enabled whether rules run at all
 * @param rulesFile the rules (YAML); none for every rule with its defaults
 * @param suppression how long an alert of the same rule and key only counts as another occurrence
 * @param queueSize observations waiting for the rules; beyond it they are dropped and counted
 * @param pollInterval how often the rules over the node's state are asked
 * @param delivery retries of each channel
 * @param webhooks signed HTTP POSTs
 * @param smtp e-mail
 * @param syslog RFC 5424 messages with CEF payloads
 * @param api the alert API's listener, none for no API
 * @param retention how long a resolved alert is kept after it was resolved
 */
public record AlertsOptions(
    Boolean enabled,
    Optional<String> rulesFile,
    Duration suppression,
    Integer queueSize,
    Duration pollInterval,
    Delivery delivery,
    List<Webhook> webhooks,
    Optional<Smtp> smtp,
    Optional<Syslog> syslog,
    Optional<Api> api,
    Duration retention) {
  public AlertsOptions {
    enabled = enabled == null || enabled;
    rulesFile = rulesFile == null ? Optional.empty() : rulesFile;
    suppression = positive(suppression, Duration.ofMinutes(15), "suppression");
    queueSize = queueSize == null ? 10_000 : queueSize;
    if (queueSize < 1 || queueSize > 1_000_000) {
      throw new IllegalArgumentException("queueSize must be from 1 to 1000000");
    }
    pollInterval = positive(pollInterval, Duration.ofMinutes(1), "pollInterval");
    delivery = delivery == null ? new Delivery(null, null, null) : delivery;
    webhooks = webhooks == null ? List.of() : List.copyOf(webhooks);
    smtp = smtp == null ? Optional.empty() : smtp;
    syslog = syslog == null ? Optional.empty() : syslog;
    api = api == null ? Optional.empty() : api;
    retention = positive(retention, Duration.ofDays(365), "retention");
  }

  /** Rules on with their defaults, nothing delivered but to the store, no API. */
  public static AlertsOptions defaults() {
    return new AlertsOptions(null, null, null, null, null, null, null, null, null, null, null);
  }

  public AlertsOptions withWebhooks(List<Webhook> w) {
    return new AlertsOptions(
        enabled,
        rulesFile,
        suppression,
        queueSize,
        pollInterval,
        delivery,
        w,
        smtp,
        syslog,
        api,
        retention);
  }

  public AlertsOptions withApi(Api a) {
    return new AlertsOptions(
        enabled,
        rulesFile,
        suppression,
        queueSize,
        pollInterval,
        delivery,
        webhooks,
        smtp,
        syslog,
        Optional.of(a),
        retention);
  }

  public AlertsOptions withRulesFile(String file) {
    return new AlertsOptions(
        enabled,
        Optional.of(file),
        suppression,
        queueSize,
        pollInterval,
        delivery,
        webhooks,
        smtp,
        syslog,
        api,
        retention);
  }

  /**
   * Retries of a channel that failed: at most {@code maxAttempts} in all, waiting {@code backoff}
   * and twice as long each time after, never more than {@code maxBackoff}.
   */
  public record Delivery(Integer maxAttempts, Duration backoff, Duration maxBackoff) {
    public Delivery {
      maxAttempts = maxAttempts == null ? 5 : maxAttempts;
      if (maxAttempts < 1 || maxAttempts > 20) {
        throw new IllegalArgumentException("maxAttempts must be from 1 to 20");
      }
      backoff = positive(backoff, Duration.ofSeconds(1), "backoff");
      maxBackoff = positive(maxBackoff, Duration.ofMinutes(1), "maxBackoff");
      if (maxBackoff.compareTo(backoff) < 0) {
        throw new IllegalArgumentException("maxBackoff must not be less than backoff");
      }
    }
  }

  /**
   * A webhook: each alert POSTed as JSON, signed with a shared secret, with the node's Ed25519 key,
   * or both. With a secret (inline or, better, in {@code secretFile}, relative to node.yaml's
   * folder; not both) the header {@code X-LGSP-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
   * "t.body" under the secret>}; with {@code signingKeyFile} (an Ed25519 private key, PKCS#8 PEM,
   * relative to node.yaml's folder) the header {@code X-LGSP-Signature-Ed25519:
   * t=<seconds>,keyid=<hex>,ed25519=<base64>}, which a receiver verifies with the public key alone.
   */
  public record Webhook(
      URI url,
      Optional<String> secret,
      Optional<String> secretFile,
      Duration timeout,
      Severity minSeverity,
      Optional<String> signingKeyFile) {
    public Webhook {
      Objects.requireNonNull(url, "url is required");
      // alerts name clients, officers and addresses: plain HTTP only to a receiver on this host
      boolean loopback =
          "http".equals(url.getScheme())
              && java.util.Set.of("127.0.0.1", "localhost", "[::1]").contains(url.getHost());
      if (!"https".equals(url.getScheme()) && !loopback) {
        throw new IllegalArgumentException(
            "url must be https (http only to 127.0.0.1 or localhost)");
      }
      secret = secret == null ? Optional.empty() : secret;
      secretFile = secretFile == null ? Optional.empty() : secretFile;
      signingKeyFile = signingKeyFile == null ? Optional.empty() : signingKeyFile;
      if (secret.isPresent() && secretFile.isPresent()) {
        throw new IllegalArgumentException("give secret or secretFile, not both");
      }
      if (secret.isEmpty() && secretFile.isEmpty() && signingKeyFile.isEmpty()) {
        throw new IllegalArgumentException(
            "give secret, secretFile or signingKeyFile: a webhook is always signed");
      }
      secret.ifPresent(Webhook::strong);
      timeout = positive(timeout, Duration.ofSeconds(5), "timeout");
      minSeverity = minSeverity == null ? Severity.LOW : minSeverity;
    }

    /** A webhook with its secret inline. */
    public static Webhook of(URI url, String secret) {
      return new Webhook(url, Optional.of(secret), Optional.empty(), null, null, null);
    }

    /** A webhook signed only with the Ed25519 key in {@code signingKeyFile}. */
    public static Webhook signedWith(URI url, String signingKeyFile) {
      return new Webhook(
          url, Optional.empty(), Optional.empty(), null, null, Optional.of(signingKeyFile));
    }

    private static String strong(String secret) {
      if (secret.length() < 16) {
        throw new IllegalArgumentException("secret must be at least 16 characters");
      }
      return secret;
    }

    /** The HMAC key, if any, read from {@code secretFile} (relative to {@code base}) when so. */
    Optional<String> key(java.nio.file.Path base) {
      return secret.or(() -> secretFile.map(f -> strong(read(base, f, "secretFile"))));
    }

    /** The Ed25519 key, if any, read from {@code signingKeyFile} (relative to {@code base}). */
    Optional<WebhookSigning> signing(java.nio.file.Path base) {
      return signingKeyFile.map(f -> WebhookSigning.read(base.resolve(f)));
    }

    @Override
    public String toString() {
      return "Webhook[url=" + url + ", secret=(redacted)]";
    }
  }

  /**
   * E-mail through an SMTP server; {@code startTls} requires the upgrade. A password goes with
   * {@code username}, inline or in {@code passwordFile} (relative to node.yaml's folder).
   */
  public record Smtp(
      String host,
      Integer port,
      String from,
      List<String> to,
      Optional<String> username,
      Optional<String> password,
      Optional<String> passwordFile,
      Boolean startTls,
      Duration timeout,
      Severity minSeverity) {
    public Smtp {
      Objects.requireNonNull(host, "host is required");
      port = port == null ? 25 : port;
      if (port < 1 || port > 65_535) {
        throw new IllegalArgumentException("port must be from 1 to 65535");
      }
      Objects.requireNonNull(from, "from is required");
      if (to == null || to.isEmpty()) {
        throw new IllegalArgumentException("to must name at least one recipient");
      }
      to = List.copyOf(to);
      username = username == null ? Optional.empty() : username;
      password = password == null ? Optional.empty() : password;
      passwordFile = passwordFile == null ? Optional.empty() : passwordFile;
      if (password.isPresent() && passwordFile.isPresent()) {
        throw new IllegalArgumentException("give password or passwordFile, not both");
      }
      if (username.isPresent() != (password.isPresent() || passwordFile.isPresent())) {
        throw new IllegalArgumentException("username and a password go together");
      }
      startTls = startTls != null && startTls;
      timeout = positive(timeout, Duration.ofSeconds(10), "timeout");
      minSeverity = minSeverity == null ? Severity.MEDIUM : minSeverity;
    }

    /** A server without authentication. */
    public static Smtp of(String host, int port, String from, List<String> to) {
      return new Smtp(
          host,
          port,
          from,
          to,
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          null,
          null,
          null);
    }

    /** The password, read from {@code passwordFile} (relative to {@code base}) when given so. */
    Optional<String> password(java.nio.file.Path base) {
      return password.or(() -> passwordFile.map(f -> read(base, f, "passwordFile")));
    }

    @Override
    public String toString() {
      return "Smtp[host=" + host + ", port=" + port + ", password=(redacted)]";
    }
  }

  private static String read(java.nio.file.Path base, String file, String key) {
    try {
      return java.nio.file.Files.readString(base.resolve(file)).strip();
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(key + " " + file + " cannot be read");
    }
  }

  /**
   * Where syslog goes: {@code UDP} (one message a datagram) or {@code TCP} (RFC 6587 octet
   * counting).
   */
  public record Syslog(
      String host,
      Integer port,
      Transport transport,
      String appName,
      Integer facility,
      Severity minSeverity) {
    public enum Transport {
      UDP,
      TCP
    }

    public Syslog {
      Objects.requireNonNull(host, "host is required");
      port = port == null ? 514 : port;
      if (port < 1 || port > 65_535) {
        throw new IllegalArgumentException("port must be from 1 to 65535");
      }
      transport = transport == null ? Transport.UDP : transport;
      appName = appName == null ? "openlgsp" : appName;
      if (!appName.matches("[!-~]{1,48}")) {
        throw new IllegalArgumentException("appName must be 1 to 48 printable ASCII characters");
      }
      facility = facility == null ? 10 : facility;
      if (facility < 0 || facility > 23) {
        throw new IllegalArgumentException("facility must be from 0 to 23");
      }
      minSeverity = minSeverity == null ? Severity.LOW : minSeverity;
    }
  }

  /**
   * The alert API: {@code readerTokenSha256} may list, {@code operatorTokenSha256} may also
   * acknowledge and resolve (SHA-256 hex of the bearer tokens).
   */
  public record Api(
      Integer port, String readerTokenSha256, String operatorTokenSha256, Integer maxPageSize) {
    /** The largest page by default, and the in-process API's when the node runs no API. */
    static final int DEFAULT_MAX_PAGE_SIZE = 1000;

    public Api {
      port = port == null ? 0 : port;
      if (!AdminApi.isPort(port)) {
        throw new IllegalArgumentException("port must be from 0 to 65535");
      }
      for (String t : new String[] {readerTokenSha256, operatorTokenSha256}) {
        if (t == null || !AdminApi.isTokenSha256(t)) {
          throw new IllegalArgumentException(
              "readerTokenSha256 and operatorTokenSha256 must be 64 lower-case hex digits");
        }
      }
      if (readerTokenSha256.equals(operatorTokenSha256)) {
        throw new IllegalArgumentException("the reader and operator tokens must differ");
      }
      maxPageSize = maxPageSize == null ? DEFAULT_MAX_PAGE_SIZE : maxPageSize;
      if (maxPageSize < 1 || maxPageSize > 10_000) {
        throw new IllegalArgumentException("maxPageSize must be from 1 to 10000");
      }
    }
  }

  private static Duration positive(Duration d, Duration otherwise, String key) {
    Duration v = d == null ? otherwise : d;
    if (v.isNegative() || v.isZero()) {
      throw new IllegalArgumentException(key + " must be positive");
    }
    return v;
  }
}
