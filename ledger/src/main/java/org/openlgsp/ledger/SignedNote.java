package org.openlgsp.ledger;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A C2SP signed note (signed-note v1.0.0): text ending in a newline, a blank line, then one line
 * per signature, {@code "— <key name> <base64(4-byte key id || signature)>"}. Signatures by keys of
 * type {@link NoteKey#TYPE_COSIGNATURE} follow tlog-cosignature v1: the signed message is {@code
 * "cosignature/v1\ntime <seconds>\n"} and the note text, and the signature bytes are the 8-byte
 * big-endian time and the Ed25519 signature.
 */
public record SignedNote(String text, List<Line> signatures) {
  private static final String DASH = "\u2014 ";
  static final int MAX_NOTE = 64 * 1024;
  static final int MAX_SIGNATURES = 100;

  /** One signature line. */
  public record Line(String name, int keyId, byte[] signature) {
    public Line {
      NoteKey.requireName(name);
      signature = signature.clone();
    }

    @Override
    public byte[] signature() {
      return signature.clone();
    }

    String format() {
      byte[] raw = ByteBuffer.allocate(4 + signature.length).putInt(keyId).put(signature).array();
      return DASH + name + " " + Base64.getEncoder().encodeToString(raw) + "\n";
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Line l
          && name.equals(l.name)
          && keyId == l.keyId
          && Arrays.equals(signature, l.signature);
    }

    @Override
    public int hashCode() {
      return name.hashCode() * 31 + keyId;
    }
  }

  public SignedNote {
    Objects.requireNonNull(text, "text");
    if (text.isEmpty() || !text.endsWith("\n")) {
      throw new IllegalArgumentException("note text must end with a newline");
    }
    if (text.codePoints().anyMatch(c -> c != '\n' && Character.isISOControl(c))) {
      throw new IllegalArgumentException("note text must not contain control characters");
    }
    signatures = List.copyOf(signatures);
    if (signatures.size() > MAX_SIGNATURES) {
      throw new IllegalArgumentException("too many signatures");
    }
  }

  /** Signs text as a log (or any plain Ed25519 note signer). */
  public static SignedNote sign(String text, NoteKey key) {
    if (key.type() != NoteKey.TYPE_ED25519) {
      throw new IllegalArgumentException("a note is signed with an Ed25519 (type 0x01) key");
    }
    SignedNote unsigned = new SignedNote(text, List.of());
    byte[] sig = key.sign(text.getBytes(StandardCharsets.UTF_8));
    return unsigned.with(new Line(key.name(), key.keyId(), sig));
  }

  /** A tlog-cosignature/v1 line by a witness key, made at {@code time}. */
  Line cosignature(NoteKey witness, Instant time) {
    if (witness.type() != NoteKey.TYPE_COSIGNATURE) {
      throw new IllegalArgumentException("cosignatures need a type 0x04 key");
    }
    long seconds = time.getEpochSecond();
    byte[] sig = witness.sign(cosignedMessage(seconds));
    byte[] payload = ByteBuffer.allocate(8 + sig.length).putLong(seconds).put(sig).array();
    return new Line(witness.name(), witness.keyId(), payload);
  }

  /** This note with one more signature line, replacing an earlier one by the same key. */
  public SignedNote with(Line line) {
    List<Line> lines = new ArrayList<>();
    for (Line l : signatures) {
      if (!(l.name().equals(line.name()) && l.keyId() == line.keyId())) {
        lines.add(l);
      }
    }
    lines.add(line);
    return new SignedNote(text, lines);
  }

  /** True when the note carries a valid signature by this key. */
  public boolean verifiedBy(NoteVerifier key) {
    int id = key.keyId();
    for (Line l : signatures) {
      if (l.name().equals(key.name()) && l.keyId() == id) {
        return check(key, l);
      }
    }
    return false;
  }

  /** When this key cosigned, if it did validly. */
  public Optional<Instant> cosignedAt(NoteVerifier witness) {
    if (witness.type() != NoteKey.TYPE_COSIGNATURE || !verifiedBy(witness)) {
      return Optional.empty();
    }
    for (Line l : signatures) {
      if (l.name().equals(witness.name()) && l.keyId() == witness.keyId()) {
        return Optional.of(Instant.ofEpochSecond(ByteBuffer.wrap(l.signature).getLong()));
      }
    }
    return Optional.empty();
  }

  private boolean check(NoteVerifier key, Line l) {
    byte[] sig = l.signature;
    if (key.type() == NoteKey.TYPE_ED25519) {
      return NoteKey.verifyEd25519(key.publicKey(), text.getBytes(StandardCharsets.UTF_8), sig);
    }
    if (sig.length != 8 + 64) {
      return false;
    }
    long seconds = ByteBuffer.wrap(sig).getLong();
    return NoteKey.verifyEd25519(
        key.publicKey(), cosignedMessage(seconds), Arrays.copyOfRange(sig, 8, sig.length));
  }

  private byte[] cosignedMessage(long seconds) {
    return ("cosignature/v1\ntime " + Long.toUnsignedString(seconds) + "\n" + text)
        .getBytes(StandardCharsets.UTF_8);
  }

  public String format() {
    StringBuilder b = new StringBuilder(text).append('\n');
    signatures.forEach(l -> b.append(l.format()));
    return b.toString();
  }

  /** Parses a note strictly: the last blank line separates text from signature lines. */
  public static SignedNote parse(String note) {
    Objects.requireNonNull(note, "note");
    if (note.length() > MAX_NOTE) {
      throw new IllegalArgumentException("note too large");
    }
    if (!note.endsWith("\n")) {
      throw new IllegalArgumentException("note must end with a newline");
    }
    int split = note.lastIndexOf("\n\n");
    if (split < 0) {
      throw new IllegalArgumentException("note has no signature block");
    }
    String text = note.substring(0, split + 1);
    String block = note.substring(split + 2);
    List<Line> lines = new ArrayList<>();
    for (String line : block.split("\n")) {
      if (!line.startsWith(DASH)) {
        throw new IllegalArgumentException("malformed signature line");
      }
      String rest = line.substring(DASH.length());
      int space = rest.indexOf(' ');
      if (space <= 0 || rest.indexOf(' ', space + 1) >= 0) {
        throw new IllegalArgumentException("malformed signature line");
      }
      byte[] raw;
      try {
        raw = Base64.getDecoder().decode(rest.substring(space + 1));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("signature is not base64");
      }
      if (raw.length < 5) {
        throw new IllegalArgumentException("signature too short");
      }
      lines.add(
          new Line(
              rest.substring(0, space),
              ByteBuffer.wrap(raw).getInt(),
              Arrays.copyOfRange(raw, 4, raw.length)));
    }
    if (lines.isEmpty()) {
      throw new IllegalArgumentException("note has no signatures");
    }
    return new SignedNote(text, lines);
  }
}
