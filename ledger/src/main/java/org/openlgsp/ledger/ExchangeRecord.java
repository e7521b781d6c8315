package org.openlgsp.ledger;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.Digests;
import org.openlgsp.core.NodeId;
import org.openlgsp.core.ServiceId;

/**
 * One exchange as a gateway saw it. Its {@link #canonical()} bytes are what the ledger stores and
 * what the Merkle tree hashes, so the encoding is versioned and never changes for version 1.
 *
 * <p>Version 1 layout: byte {@code 0x01}; then each field in component order. Strings and
 * identifiers are a 4-byte big-endian length and that many UTF-8 bytes; {@code side} is one byte (0
 * consumer, 1 provider); {@code status} a 2-byte unsigned integer; instants an 8-byte epoch second
 * and a 4-byte nanosecond. Nothing follows the last field.
 *
 * <p>Version 2 is version 1 with the version byte {@code 0x02} and one more text field at the end,
 * {@code subjectHash}: the keyed hash (HMAC-SHA256, base64) of the data subject's personal ID for
 * services that return personal data. Records without a subject are always written as version 1, so
 * every record has exactly one encoding and old records keep their hashes.
 *
 * <p>Version 3 is version 2 with the version byte {@code 0x03} ({@code subjectHash} always present,
 * possibly empty) and three more text fields at the end: {@code consentId} and {@code
 * consentDigest}, the consent the provider gateway checked before it called the backend (its
 * registry id and {@code Directory.Consent#digest()}), and {@code findings}, the leak detectors'
 * findings summary ({@code location/detector:action}, comma-separated, sorted; never the matched
 * value). A record is written as version 3 exactly when one of these three is not empty, so
 * versions 1 and 2 are unchanged and old logs keep verifying.
 */
public record ExchangeRecord(
    String messageId,
    String requestId,
    Side side,
    NodeId node,
    ClientId client,
    ServiceId service,
    String method,
    String path,
    int status,
    Instant requestTime,
    Instant responseTime,
    String requestBodyDigest,
    String responseBodyDigest,
    String requestSignature,
    String responseSignature,
    String userId,
    String issue,
    String errorCode,
    String subjectHash,
    String consentId,
    String consentDigest,
    String findings) {

  static final byte VERSION = 1;
  static final byte VERSION_WITH_SUBJECT = 2;
  static final byte VERSION_WITH_PRIVACY = 3;
  static final int MAX_FIELD = 16 * 1024;
  private static final Pattern METHOD = Pattern.compile("[A-Z]{1,16}");

  public ExchangeRecord {
    requireText("messageId", messageId, false);
    requireText("requestId", requestId, true);
    Objects.requireNonNull(side, "side");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(service, "service");
    if (method == null || !METHOD.matcher(method).matches()) {
      throw new IllegalArgumentException("method must be an upper-case HTTP token");
    }
    requireText("path", path, true);
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("status must be 100..599");
    }
    Objects.requireNonNull(requestTime, "requestTime");
    Objects.requireNonNull(responseTime, "responseTime");
    if (responseTime.isBefore(requestTime)) {
      throw new IllegalArgumentException("responseTime before requestTime");
    }
    requireText("requestBodyDigest", requestBodyDigest, true);
    requireText("responseBodyDigest", responseBodyDigest, true);
    requireText("requestSignature", requestSignature, true);
    requireText("responseSignature", responseSignature, true);
    requireText("userId", userId, true);
    requireText("issue", issue, true);
    requireText("errorCode", errorCode, true);
    requireText("subjectHash", subjectHash, true);
    requireText("consentId", consentId, true);
    requireText("consentDigest", consentDigest, true);
    requireText("findings", findings, true);
    if (consentId.isEmpty() != consentDigest.isEmpty()) {
      throw new IllegalArgumentException("consentId and consentDigest come together");
    }
  }

  /** A record with a data subject (version 2, or 1 when {@code subjectHash} is empty). */
  public ExchangeRecord(
      String messageId,
      String requestId,
      Side side,
      NodeId node,
      ClientId client,
      ServiceId service,
      String method,
      String path,
      int status,
      Instant requestTime,
      Instant responseTime,
      String requestBodyDigest,
      String responseBodyDigest,
      String requestSignature,
      String responseSignature,
      String userId,
      String issue,
      String errorCode,
      String subjectHash) {
    this(
        messageId,
        requestId,
        side,
        node,
        client,
        service,
        method,
        path,
        status,
        requestTime,
        responseTime,
        requestBodyDigest,
        responseBodyDigest,
        requestSignature,
        responseSignature,
        userId,
        issue,
        errorCode,
        subjectHash,
        "",
        "",
        "");
  }

  /** A record with no data subject (version 1). */
  public ExchangeRecord(
      String messageId,
      String requestId,
      Side side,
      NodeId node,
      ClientId client,
      ServiceId service,
      String method,
      String path,
      int status,
      Instant requestTime,
      Instant responseTime,
      String requestBodyDigest,
      String responseBodyDigest,
      String requestSignature,
      String responseSignature,
      String userId,
      String issue,
      String errorCode) {
    this(
        messageId,
        requestId,
        side,
        node,
        client,
        service,
        method,
        path,
        status,
        requestTime,
        responseTime,
        requestBodyDigest,
        responseBodyDigest,
        requestSignature,
        responseSignature,
        userId,
        issue,
        errorCode,
        "");
  }

  private static void requireText(String name, String value, boolean mayBeEmpty) {
    Objects.requireNonNull(value, name);
    if (!mayBeEmpty && value.isEmpty()) {
      throw new IllegalArgumentException(name + " must not be empty");
    }
    if (value.length() > MAX_FIELD) {
      throw new IllegalArgumentException(name + " longer than " + MAX_FIELD);
    }
  }

  /** The canonical encoding: version 3, 2 or 1, whichever is the smallest that holds the record. */
  public byte[] canonical() {
    Writer w = new Writer();
    boolean privacy = !consentId.isEmpty() || !findings.isEmpty();
    w.buffer.put(
        privacy ? VERSION_WITH_PRIVACY : subjectHash.isEmpty() ? VERSION : VERSION_WITH_SUBJECT);
    w.text(messageId);
    w.text(requestId);
    w.buffer.put((byte) side.ordinal());
    w.text(node.toString());
    w.text(client.toString());
    w.text(service.toString());
    w.text(method);
    w.text(path);
    w.buffer.putShort((short) status);
    w.instant(requestTime);
    w.instant(responseTime);
    w.text(requestBodyDigest);
    w.text(responseBodyDigest);
    w.text(requestSignature);
    w.text(responseSignature);
    w.text(userId);
    w.text(issue);
    w.text(errorCode);
    if (privacy || !subjectHash.isEmpty()) {
      w.text(subjectHash);
    }
    if (privacy) {
      w.text(consentId);
      w.text(consentDigest);
      w.text(findings);
    }
    return w.bytes();
  }

  /** RFC 9162 leaf hash: SHA-256(0x00 || canonical record). */
  public byte[] leafHash() {
    var sha = Digests.sha256();
    sha.update((byte) 0);
    return sha.digest(canonical());
  }

  /** Decodes {@link #canonical()} bytes, refusing any other version, length or trailing data. */
  public static ExchangeRecord decode(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    try {
      byte version = b.get();
      if (version != VERSION
          && version != VERSION_WITH_SUBJECT
          && version != VERSION_WITH_PRIVACY) {
        throw new IllegalArgumentException("unknown record version");
      }
      String messageId = text(b);
      String requestId = text(b);
      int sideByte = b.get();
      if (sideByte < 0 || sideByte >= Side.values().length) {
        throw new IllegalArgumentException("unknown side " + sideByte);
      }
      ExchangeRecord r =
          new ExchangeRecord(
              messageId,
              requestId,
              Side.values()[sideByte],
              NodeId.parse(text(b)),
              ClientId.parse(text(b)),
              ServiceId.parse(text(b)),
              text(b),
              text(b),
              Short.toUnsignedInt(b.getShort()),
              instant(b),
              instant(b),
              text(b),
              text(b),
              text(b),
              text(b),
              text(b),
              text(b),
              text(b),
              version == VERSION ? "" : text(b),
              version == VERSION_WITH_PRIVACY ? text(b) : "",
              version == VERSION_WITH_PRIVACY ? text(b) : "",
              version == VERSION_WITH_PRIVACY ? text(b) : "");
      if (version == VERSION_WITH_SUBJECT && r.subjectHash().isEmpty()) {
        throw new IllegalArgumentException("version 2 record without a subject hash");
      }
      if (version == VERSION_WITH_PRIVACY && r.consentId().isEmpty() && r.findings().isEmpty()) {
        throw new IllegalArgumentException("version 3 record without a consent or findings");
      }
      if (b.hasRemaining()) {
        throw new IllegalArgumentException("trailing bytes after the record");
      }
      return r;
    } catch (java.nio.BufferUnderflowException e) {
      throw new IllegalArgumentException("record is truncated", e);
    } catch (org.openlgsp.core.LgspException e) {
      throw new IllegalArgumentException("record holds an invalid identifier: " + e.detail(), e);
    }
  }

  private static String text(ByteBuffer b) {
    int length = b.getInt();
    if (length < 0 || length > MAX_FIELD * 4 || length > b.remaining()) {
      throw new IllegalArgumentException("bad field length " + length);
    }
    byte[] bytes = new byte[length];
    b.get(bytes);
    try {
      // Strict: malformed UTF-8 would decode to a different string than was hashed.
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
          .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new IllegalArgumentException("field is not valid UTF-8", e);
    }
  }

  private static Instant instant(ByteBuffer b) {
    long seconds = b.getLong();
    int nanos = b.getInt();
    if (nanos < 0 || nanos > 999_999_999) {
      throw new IllegalArgumentException("bad nanoseconds");
    }
    try {
      return Instant.ofEpochSecond(seconds, nanos);
    } catch (java.time.DateTimeException e) {
      throw new IllegalArgumentException("instant out of range", e);
    }
  }

  /** A growable big-endian buffer. */
  private static final class Writer {
    ByteBuffer buffer = ByteBuffer.allocate(512);

    void ensure(int more) {
      if (buffer.remaining() < more) {
        ByteBuffer bigger =
            ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + more));
        buffer.flip();
        bigger.put(buffer);
        buffer = bigger;
      }
    }

    void text(String s) {
      byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
      ensure(4 + bytes.length + 16);
      buffer.putInt(bytes.length);
      buffer.put(bytes);
    }

    void instant(Instant i) {
      ensure(12);
      buffer.putLong(i.getEpochSecond());
      buffer.putInt(i.getNano());
    }

    byte[] bytes() {
      byte[] out = new byte[buffer.position()];
      buffer.flip();
      buffer.get(out);
      return out;
    }
  }
}
