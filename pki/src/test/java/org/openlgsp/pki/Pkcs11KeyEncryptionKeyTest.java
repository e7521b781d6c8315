package org.openlgsp.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.storage.AtRest;
import org.openlgsp.storage.KeyEncryptionKey;
import org.openlgsp.testpeers.Peer;
import org.openlgsp.testpeers.RequiresPeer;

/**
 * The key-encryption key of encryption at rest inside a real PKCS#11 token (SoftHSM2): data keys
 * are wrapped by an AES key that never leaves it; a keyring moves from a key file to the token by
 * re-wrapping; a wrong PIN, a missing key or another key are refused, each saying which.
 */
@RequiresPeer(Peer.SOFTHSM)
class Pkcs11KeyEncryptionKeyTest {
  static final String PIN = "4711-user";
  static final String PERSONAL = "Nguyễn Văn A, 079190004321";
  static Pkcs11Token.Config config;
  @TempDir Path dir;

  @BeforeAll
  static void initialiseToken() throws Exception {
    config = SoftHsm.initialise(PIN);
  }

  @Test
  void dataKeysWrappedInTheTokenOpenAfterTheTokenIsOpenedAgainAndTheKeyFileNeverHoldsTheKek() {
    Pkcs11Token token = Pkcs11Token.open(config, PIN.toCharArray());
    token.generateAes256("at-rest-kek");
    AtRest keys =
        AtRest.open(dir.resolve("keyring.json"), token.keyEncryptionKey("at-rest-kek"), "default");
    String sealed = keys.sealText(PERSONAL, "opmon_record.purpose|1");

    // as a restarted node: a new login, the key found by its alias
    Pkcs11Token again = Pkcs11Token.open(config, PIN.toCharArray());
    AtRest reopened =
        AtRest.open(dir.resolve("keyring.json"), again.keyEncryptionKey("at-rest-kek"), "default");
    assertThat(reopened.unsealText(sealed, "opmon_record.purpose|1")).isEqualTo(PERSONAL);
    assertThat(readKeyring()).contains("\"kek\":\"pkcs11:at-rest-kek\"").doesNotContain(PERSONAL);

    assertThatThrownBy(() -> token.generateAes256("at-rest-kek"))
        .hasMessageContaining("already holds 'at-rest-kek'");
  }

  @Test
  void aKeyringIsMovedFromAKeyFileToTheTokenByRewrapping() {
    KeyEncryptionKey file =
        KeyEncryptionKey.keyFile(KeyEncryptionKey.generateKeyFile(dir.resolve("kek")));
    AtRest keys = AtRest.open(dir.resolve("keyring.json"), file, "default");
    String sealed = keys.sealText(PERSONAL, "package:1");

    Pkcs11Token token = Pkcs11Token.open(config, PIN.toCharArray());
    token.generateAes256("moved-kek");
    KeyEncryptionKey hsm = token.keyEncryptionKey("moved-kek");
    keys.rewrap(hsm);

    AtRest inToken = AtRest.open(dir.resolve("keyring.json"), hsm, "default");
    assertThat(inToken.unsealText(sealed, "package:1")).isEqualTo(PERSONAL);
    assertThatThrownBy(() -> AtRest.open(dir.resolve("keyring.json"), file, "default"))
        .hasMessageContaining("at_rest.wrong_kek")
        .hasMessageContaining("pkcs11:moved-kek");
  }

  @Test
  void aWrongPinAMissingKeyAndAnotherTokenKeyAreRefusedSayingWhich() throws Exception {
    // A PKCS#11 login holds for the whole process: once this JVM has logged in, another login with
    // any PIN is "already logged in". A fresh JVM, as a node starting, sees the wrong PIN refused.
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                WrongPin.class.getName(),
                config.library().toString(),
                Long.toString(config.slot()))
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(out).contains("refused: ").contains("check the user PIN");
    Pkcs11Token token = Pkcs11Token.open(config, PIN.toCharArray());
    assertThatThrownBy(() -> token.keyEncryptionKey("no-such-kek"))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("no AES key 'no-such-kek'");

    token.generateAes256("first-kek");
    token.generateAes256("second-kek");
    KeyEncryptionKey first = token.keyEncryptionKey("first-kek");
    byte[] wrapped = first.wrap(new byte[32], "aad".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(
            () ->
                token
                    .keyEncryptionKey("second-kek")
                    .unwrap(wrapped, "aad".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("at_rest.wrong_kek");
    assertThatThrownBy(() -> first.unwrap(wrapped, "other".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("at_rest.wrong_kek");
  }

  /** Logs in with a wrong PIN and prints what it was told. */
  static final class WrongPin {
    public static void main(String[] args) {
      try {
        Pkcs11Token.open(
            new Pkcs11Token.Config(Path.of(args[0]), Long.parseLong(args[1])),
            "0000-wrong".toCharArray());
        System.out.println("opened");
      } catch (PkiException e) {
        System.out.println("refused: " + e.getMessage());
      }
    }
  }

  private String readKeyring() {
    try {
      return Files.readString(dir.resolve("keyring.json"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
