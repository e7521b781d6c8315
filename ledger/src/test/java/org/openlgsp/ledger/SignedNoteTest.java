package org.openlgsp.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class SignedNoteTest {
  @Test
  void specExampleVerifierKeyIdRecomputes() {
    NoteVerifier v =
        NoteVerifier.parse("example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k");
    assertThat(v.keyId()).isEqualTo(0x530d903a);
    assertThat(v.toString())
        .isEqualTo("example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k");
    assertThatThrownBy(
            () ->
                NoteVerifier.parse(
                    "example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"))
        .hasMessageContaining("id");
  }

  @Test
  void checkpointNoteHasTheC2spLayoutAndVerifies() {
    NoteKey key = NoteKey.generate("lgsp.example.vn/gw1", NoteKey.TYPE_ED25519);
    Checkpoint cp = new Checkpoint("lgsp.example.vn/gw1", 3, Merkle.leafHash(new byte[] {1}));
    SignedNote note = SignedNote.sign(cp.text(), key);
    String text = note.format();

    assertThat(text)
        .startsWith(
            "lgsp.example.vn/gw1\n3\n"
                + cp.head().rootBase64()
                + "\n\n\u2014 lgsp.example.vn/gw1 ");
    SignedNote parsed = SignedNote.parse(text);
    assertThat(parsed.verifiedBy(key.verifier())).isTrue();
    assertThat(Checkpoint.parse(parsed.text())).isEqualTo(cp);
    assertThat(parsed.format()).isEqualTo(text);
    // the signature line carries the key id and a 64-byte Ed25519 signature
    assertThat(parsed.signatures())
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.keyId()).isEqualTo(key.keyId());
              assertThat(l.signature()).hasSize(64);
            });
    assertThat(NoteKey.parse(key.privateText()).verifier()).isEqualTo(key.verifier());
  }

  @Test
  void anyEditBreaksTheSignature() {
    NoteKey key = NoteKey.generate("log", NoteKey.TYPE_ED25519);
    NoteKey other = NoteKey.generate("log", NoteKey.TYPE_ED25519);
    String text = SignedNote.sign(new Checkpoint("log", 10, new byte[32]).text(), key).format();
    SignedNote edited = SignedNote.parse(text.replace("\n10\n", "\n11\n"));
    assertThat(edited.verifiedBy(key.verifier())).isFalse();
    assertThat(SignedNote.parse(text).verifiedBy(other.verifier())).isFalse();
    assertThatThrownBy(() -> SignedNote.parse("log\n10\nAAAA\n")).hasMessageContaining("signature");
    assertThatThrownBy(() -> SignedNote.parse(text + "garbage\n"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                Checkpoint.parse("log\n010\n" + new TreeHead(0, new byte[32]).rootBase64() + "\n"))
        .hasMessageContaining("leading zeros");
    String root = new TreeHead(0, new byte[32]).rootBase64();
    // C2SP tlog-checkpoint: extension lines are non-empty; the three mandatory lines stay mandatory
    assertThatThrownBy(() -> Checkpoint.parse("log\n10\n" + root + "\n\nextra\n"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Checkpoint.parse("log\n10\n")).hasMessageContaining("root lines");
    assertThatThrownBy(() -> Checkpoint.parse("log\n10\n" + root + "\nextra"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Checkpoint("log", 10, new byte[32], java.util.List.of("")))
        .hasMessageContaining("extension");
  }

  @Test
  void checkpointExtensionLinesAreParsedKeptAndSigned() {
    NoteKey key = NoteKey.generate("sum.example.org", NoteKey.TYPE_ED25519);
    String root = new TreeHead(0, Merkle.leafHash(new byte[] {7})).rootBase64();
    String body = "sum.example.org\n42\n" + root + "\ntime 1700000000\nrekor-shard 2\n";
    SignedNote note = SignedNote.parse(SignedNote.sign(body, key).format());
    Checkpoint cp = Checkpoint.parse(note.text());
    assertThat(cp.origin()).isEqualTo("sum.example.org");
    assertThat(cp.size()).isEqualTo(42);
    assertThat(cp.extensions()).containsExactly("time 1700000000", "rekor-shard 2");
    assertThat(cp.text()).isEqualTo(body);
    assertThat(note.verifiedBy(key.verifier())).isTrue();
    // the extension lines are part of the signed text and of the checkpoint's identity
    assertThat(cp).isNotEqualTo(new Checkpoint("sum.example.org", 42, cp.rootHash()));
    SignedNote edited = SignedNote.parse(note.format().replace("shard 2", "shard 3"));
    assertThat(edited.verifiedBy(key.verifier())).isFalse();
  }

  @Test
  void witnessCosignatureIsTimestampedAndVerifiable() {
    NoteKey log = NoteKey.generate("log", NoteKey.TYPE_ED25519);
    NoteKey witness = NoteKey.generate("witness.example.vn", NoteKey.TYPE_COSIGNATURE);
    SignedNote note = SignedNote.sign(new Checkpoint("log", 1, new byte[32]).text(), log);
    Instant t = Instant.parse("2026-11-23T10:00:00Z");
    SignedNote cosigned = SignedNote.parse(note.with(note.cosignature(witness, t)).format());
    assertThat(cosigned.verifiedBy(log.verifier())).isTrue();
    assertThat(cosigned.verifiedBy(witness.verifier())).isTrue();
    assertThat(cosigned.cosignedAt(witness.verifier())).contains(t);
    assertThat(cosigned.signatures().get(1).signature()).hasSize(72);
  }
}
