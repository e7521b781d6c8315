package org.openlgsp.ledger;

import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * A C2SP tlog-checkpoint body: origin line, decimal tree size, base64 root hash, each followed by a
 * newline, then zero or more extension lines (non-empty, opaque to this verifier, kept so that the
 * text and its signatures round-trip). OpenLGSP writes none; it reads other logs' and witnesses'
 * checkpoints that carry some.
 */
public record Checkpoint(String origin, long size, byte[] rootHash, List<String> extensions) {
  public Checkpoint {
    NoteKey.requireName(Objects.requireNonNull(origin, "origin"));
    if (size < 0) {
      throw new IllegalArgumentException("size must not be negative");
    }
    if (rootHash == null || rootHash.length != Merkle.HASH_SIZE) {
      throw new IllegalArgumentException("root hash must be 32 bytes");
    }
    rootHash = rootHash.clone();
    extensions = List.copyOf(extensions);
    for (String line : extensions) {
      if (line.isEmpty() || line.indexOf('\n') >= 0) {
        throw new IllegalArgumentException("checkpoint extension lines must be non-empty lines");
      }
    }
  }

  /** A checkpoint without extension lines. */
  public Checkpoint(String origin, long size, byte[] rootHash) {
    this(origin, size, rootHash, List.of());
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
    StringBuilder b =
        new StringBuilder(origin)
            .append('\n')
            .append(size)
            .append('\n')
            .append(Base64.getEncoder().encodeToString(rootHash))
            .append('\n');
    extensions.forEach(line -> b.append(line).append('\n'));
    return b.toString();
  }

  public static Checkpoint parse(String text) {
    String[] lines = text.split("\n", -1);
    if (lines.length < 4 || !lines[lines.length - 1].isEmpty()) {
      throw new IllegalArgumentException(
          "checkpoint must be origin, size and root lines (then any extension lines)");
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
    List<String> extensions = List.of(lines).subList(3, lines.length - 1);
    Checkpoint c = new Checkpoint(lines[0], Long.parseLong(lines[1]), root, extensions);
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
        && Arrays.equals(rootHash, c.rootHash)
        && extensions.equals(c.extensions);
  }

  @Override
  public int hashCode() {
    return Objects.hash(origin, size, extensions) * 31 + Arrays.hashCode(rootHash);
  }
}
