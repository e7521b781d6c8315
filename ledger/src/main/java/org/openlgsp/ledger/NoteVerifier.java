package org.openlgsp.ledger;

import java.util.Arrays;
import java.util.Base64;

/**
 * A note signer's public key: {@code <name>+<8 hex key id>+<base64(type || Ed25519 public key)>}.
 */
public record NoteVerifier(String name, byte type, byte[] publicKey) {
  public NoteVerifier {
    NoteKey.requireName(name);
    if (type != NoteKey.TYPE_ED25519 && type != NoteKey.TYPE_COSIGNATURE) {
      throw new IllegalArgumentException("unsupported verifier key type " + type);
    }
    if (publicKey == null || publicKey.length != 32) {
      throw new IllegalArgumentException("Ed25519 public key must be 32 bytes");
    }
    publicKey = publicKey.clone();
  }

  public static NoteVerifier parse(String vkey) {
    String[] parts = vkey.strip().split("\\+", 3);
    if (parts.length != 3) {
      throw new IllegalArgumentException("verifier key must be name+id+key");
    }
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(parts[2]);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("verifier key is not base64");
    }
    if (raw.length != 33) {
      throw new IllegalArgumentException("verifier key must be a type byte and 32 key bytes");
    }
    NoteVerifier v = new NoteVerifier(parts[0], raw[0], Arrays.copyOfRange(raw, 1, 33));
    if (!String.format("%08x", v.keyId()).equals(parts[1])) {
      throw new IllegalArgumentException("verifier key id does not match the key");
    }
    return v;
  }

  @Override
  public byte[] publicKey() {
    return publicKey.clone();
  }

  public int keyId() {
    return NoteKey.keyId(name, type, publicKey);
  }

  @Override
  public String toString() {
    byte[] raw = new byte[33];
    raw[0] = type;
    System.arraycopy(publicKey, 0, raw, 1, 32);
    return name
        + "+"
        + String.format("%08x", keyId())
        + "+"
        + Base64.getEncoder().encodeToString(raw);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NoteVerifier v
        && name.equals(v.name)
        && type == v.type
        && Arrays.equals(publicKey, v.publicKey);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(publicKey);
  }
}
