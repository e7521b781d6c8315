package org.openlgsp.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TotpTest {
  static final byte[] RFC_SECRET = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

  /** RFC 6238 Appendix B, the HMAC-SHA1 rows (8 digits). */
  @ParameterizedTest
  @CsvSource({
    "59, 94287082",
    "1111111109, 07081804",
    "1111111111, 14050471",
    "1234567890, 89005924",
    "2000000000, 69279037",
    "20000000000, 65353130"
  })
  void codesAreRfc6238sTestVectors(long seconds, String code) {
    Totp totp = new Totp(8);
    assertThat(totp.code(RFC_SECRET, Instant.ofEpochSecond(seconds))).isEqualTo(code);
    assertThat(totp.verify(RFC_SECRET, code, Instant.ofEpochSecond(seconds)))
        .hasValue(seconds / 30);
  }

  @Test
  void aCodeIsAcceptedOneStepEitherSideAndNoFurther() {
    Totp totp = new Totp(6);
    byte[] secret = Totp.newSecret();
    Instant now = Instant.ofEpochSecond(1_800_000_000L);
    String code = totp.code(secret, now);
    assertThat(totp.verify(secret, code, now.plusSeconds(30))).isPresent();
    assertThat(totp.verify(secret, code, now.minusSeconds(30))).isPresent();
    assertThat(totp.verify(secret, code, now.plusSeconds(90))).isEmpty();
    assertThat(totp.verify(secret, "12345", now)).isEmpty();
    assertThat(totp.verify(secret, "abcdef", now)).isEmpty();
  }
}
