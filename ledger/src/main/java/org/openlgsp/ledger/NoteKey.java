package org.openlgsp.ledger;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.openlgsp.core.Digests;

/**
 * An Ed25519 key that signs C2SP signed notes, either as a log ({@link #TYPE_ED25519}) or as a
 * witness making timestamped cosignatures ({@link #TYPE_COSIGNATURE}). Its text form is {@code
 * PRIVATE+KEY+<name>+<key id hex>+<base64(type || seed)>}; keep that file secret.
 */
public final class NoteKey {
  /** Signature type byte of plain Ed25519 note signatures. */
  public static final byte TYPE_ED25519 = 0x01;

  /** Signature type byte of tlog-cosignature/v1 timestamped Ed25519 cosignatures. */
  public static final byte TYPE_COSIGNATURE = 0x04;

  private final String name;
  private final byte type;
  private final Ed25519PrivateKeyParameters key;
  private final byte[] publicKey;
  private final int keyId;

  private NoteKey(String name, byte type, Ed25519PrivateKeyParameters key) {
    requireName(name);
    if (type != TYPE_ED25519 && type != TYPE_COSIGNATURE) {
      throw new IllegalArgumentException("unsupported note key type " + type);
    }
    this.name = name;
    this.type = type;
    this.key = key;
    this.publicKey = key.generatePublicKey().getEncoded();
    this.keyId = keyId(name, type, publicKey);
  }

  public static NoteKey generate(String name, byte type) {
    return new NoteKey(name, type, new Ed25519PrivateKeyParameters(new SecureRandom()));
  }

  /** Parses the {@code PRIVATE+KEY+...} text form. */
  public static NoteKey parse(String text) {
    String[] parts = text.strip().split("\\+", 5);
    if (parts.length != 5 || !parts[0].equals("PRIVATE") || !parts[1].equals("KEY")) {
      throw new IllegalArgumentException("not a note private key (PRIVATE+KEY+name+id+key)");
    }
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(parts[4]);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("note private key is not base64");
    }
    if (raw.length != 33) {
      throw new IllegalArgumentException("note private key must be a type byte and a 32-byte seed");
    }
    NoteKey k =
        new NoteKey(
            parts[2], raw[0], new Ed25519PrivateKeyParameters(Arrays.copyOfRange(raw, 1, 33)));
    if (!String.format("%08x", k.keyId).equals(parts[3])) {
      throw new IllegalArgumentException("note private key id does not match the key");
    }
    return k;
  }

  /** The secret text form. */
  public String privateText() {
    byte[] raw = new byte[33];
    raw[0] = type;
    System.arraycopy(key.getEncoded(), 0, raw, 1, 32);
    return "PRIVATE+KEY+"
        + name
        + "+"
        + String.format("%08x", keyId)
        + "+"
        + Base64.getEncoder().encodeToString(raw);
  }

  public String name() {
    return name;
  }

  public byte type() {
    return type;
  }

  public int keyId() {
    return keyId;
  }

  /** The public verifier key text ({@code name+id+base64(type || key)}). */
  public NoteVerifier verifier() {
    return new NoteVerifier(name, type, publicKey);
  }

  /** Ed25519 signature over the message. */
  byte[] sign(byte[] message) {
    Ed25519Signer s = new Ed25519Signer();
    s.init(true, key);
    s.update(message, 0, message.length);
    return s.generateSignature();
  }

  /** Key ID: the first four bytes of SHA-256(name || 0x0A || type || public key), big-endian. */
  static int keyId(String name, byte type, byte[] publicKey) {
    var sha = Digests.sha256();
    sha.update(name.getBytes(StandardCharsets.UTF_8));
    sha.update((byte) 0x0A);
    sha.update(type);
    sha.update(publicKey);
    return ByteBuffer.wrap(sha.digest()).getInt();
  }

  static void requireName(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty()
        || name.contains("+")
        || name.codePoints().anyMatch(Character::isWhitespace)
        || name.codePoints().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException("note key name must be non-empty, without spaces or '+'");
    }
  }

  static boolean verifyEd25519(byte[] publicKey, byte[] message, byte[] signature) {
    if (signature.length != 64) {
      return false;
    }
    Ed25519Signer v = new Ed25519Signer();
    v.init(false, new Ed25519PublicKeyParameters(publicKey));
    v.update(message, 0, message.length);
    return v.verifySignature(signature);
  }
}
