package org.openlgsp.ledger;

import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * A C2SP tlog-checkpoint body: origin line, decimal tree size, base64 root hash, each followed by a
 * newline. No extension lines are written or accepted.
 */
public record Checkpoint(String origin, long size, byte[] rootHash) {
  public Checkpoint {
    NoteKey.requireName(Objects.requireNonNull(origin, "origin"));
    if (size < 0) {
      throw new IllegalArgumentException("size must not be negative");
    }
    if (rootHash == null || rootHash.length != Merkle.HASH_SIZE) {
      throw new IllegalArgumentException("root hash must be 32 bytes");
    }
    rootHash = rootHash.clone();
  }

  public static Checkpoint of(String origin, TreeHead head) {
    return new Checkpoint(origin, head.size(), head.rootHash());
  }

  public TreeHead head() {
    return new TreeHead(size, rootHash);
  }

  @Override
  public byte[] rootHash() {
    return rootHash.clone();
  }

  public String text() {
    return origin + "\n" + size + "\n" + Base64.getEncoder().encodeToString(rootHash) + "\n";
  }

  public static Checkpoint parse(String text) {
    String[] lines = text.split("\n", -1);
    if (lines.length != 4 || !lines[3].isEmpty()) {
      throw new IllegalArgumentException("checkpoint must be exactly origin, size and root lines");
    }
    if (!lines[1].matches("0|[1-9][0-9]{0,18}")) {
      throw new IllegalArgumentException("checkpoint size must be a decimal without leading zeros");
    }
    byte[] root;
    try {
      root = Base64.getDecoder().decode(lines[2]);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("checkpoint root hash is not base64");
    }
    Checkpoint c = new Checkpoint(lines[0], Long.parseLong(lines[1]), root);
    if (!c.text().equals(text)) {
      throw new IllegalArgumentException("checkpoint is not in canonical form");
    }
    return c;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Checkpoint c
        && origin.equals(c.origin)
        && size == c.size
        && Arrays.equals(rootHash, c.rootHash);
  }

  @Override
  public int hashCode() {
    return Objects.hash(origin, size) * 31 + Arrays.hashCode(rootHash);
  }
}
