package org.openlgsp.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExchangeRecordTest {
  @Test
  void canonicalBytesRoundTrip() {
    ExchangeRecord r = Records.sample("m-1");
    assertThat(ExchangeRecord.decode(r.canonical())).isEqualTo(r);
    assertThat(r.canonical()).isEqualTo(Records.sample("m-1").canonical());
  }

  @Test
  void encodingStartsWithVersionAndLengthPrefixedFields() {
    byte[] b = Records.sample("m-1").canonical();
    assertThat(b[0]).isEqualTo((byte) 1);
    assertThat(Arrays.copyOfRange(b, 1, 5)).containsExactly(0, 0, 0, 3);
    assertThat(new String(b, 5, 3, java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("m-1");
  }

  @Test
  void leafHashIsSha256OfZeroByteAndRecord() throws Exception {
    ExchangeRecord r = Records.sample("m-1");
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    sha.update(new byte[] {0});
    assertThat(r.leafHash()).isEqualTo(sha.digest(r.canonical()));
  }

  @Test
  void recordsWithASubjectUseVersionTwoAndRoundTrip() {
    ExchangeRecord a = Records.sample("m-1");
    ExchangeRecord withSubject =
        new ExchangeRecord(
            a.messageId(),
            a.requestId(),
            a.side(),
            a.node(),
            a.client(),
            a.service(),
            a.method(),
            a.path(),
            a.status(),
            a.requestTime(),
            a.responseTime(),
            a.requestBodyDigest(),
            a.responseBodyDigest(),
            a.requestSignature(),
            a.responseSignature(),
            a.userId(),
            a.issue(),
            a.errorCode(),
            "c3ViamVjdC1oYXNo");
    byte[] v2 = withSubject.canonical();
    assertThat(v2[0]).isEqualTo((byte) 2);
    assertThat(ExchangeRecord.decode(v2)).isEqualTo(withSubject);
    assertThat(a.canonical()[0]).isEqualTo((byte) 1);
    assertThat(a.subjectHash()).isEmpty();
    // a version-2 encoding of a record without subject is not canonical and is refused
    byte[] bogus = java.util.Arrays.copyOf(a.canonical(), a.canonical().length + 4);
    bogus[0] = 2;
    assertThatThrownBy(() -> ExchangeRecord.decode(bogus)).hasMessageContaining("subject");
  }

  @Test
  void versionOneAndTwoEncodingsAreUnchangedSoExistingLogsKeepVerifying() {
    // pinned leaf hashes of records as every earlier version wrote them
    assertThat(org.openlgsp.core.Digests.base64(Records.sample("m-1").leafHash()))
        .isEqualTo(V1_LEAF);
    assertThat(
            org.openlgsp.core.Digests.base64(
                Records.withSubject(Records.sample("m-1"), "c3ViamVjdC1oYXNo").leafHash()))
        .isEqualTo(V2_LEAF);
  }

  // computed with the encoder before version 3 existed (main at cd83a54)
  static final String V1_LEAF = "CbavRK1eDSrmS6DjrzWuE2lpHQmxqNvGsZnwyK/mhjM=";
  static final String V2_LEAF = "VpfmznWajt6klopXlTb8SenCyr6okZWR2iXezwYCEwA=";

  @Test
  void aConsentOrLeakFindingsMakeAVersionThreeRecordThatRoundTrips() {
    ExchangeRecord a = Records.sample("m-1");
    ExchangeRecord consent =
        Records.withPrivacy(
            Records.withSubject(a, "c3ViamVjdC1oYXNo"), "9b1c0f0e-consent", "ZGlnZXN0", "");
    ExchangeRecord findingsOnly =
        Records.withPrivacy(a, "", "", "response/cccd:mask,request/mat:alert");

    assertThat(consent.canonical()[0]).isEqualTo((byte) 3);
    assertThat(findingsOnly.canonical()[0]).isEqualTo((byte) 3);
    assertThat(ExchangeRecord.decode(consent.canonical())).isEqualTo(consent);
    assertThat(ExchangeRecord.decode(findingsOnly.canonical())).isEqualTo(findingsOnly);
    assertThat(findingsOnly.subjectHash()).isEmpty();
    // the consent fields are hashed: changing the digest changes the leaf
    assertThat(Records.withPrivacy(a, "9b1c0f0e-consent", "b3RoZXI=", "").leafHash())
        .isNotEqualTo(Records.withPrivacy(a, "9b1c0f0e-consent", "ZGlnZXN0", "").leafHash());
  }

  @Test
  void aVersionThreeEncodingWithoutConsentOrFindingsIsNotCanonicalAndIsRefused() {
    ExchangeRecord a = Records.withSubject(Records.sample("m-1"), "c3ViamVjdC1oYXNo");
    byte[] v2 = a.canonical();
    byte[] bogus = java.util.Arrays.copyOf(v2, v2.length + 12); // three empty fields
    bogus[0] = 3;

    assertThatThrownBy(() -> ExchangeRecord.decode(bogus)).hasMessageContaining("version 3");
    assertThatThrownBy(() -> Records.withPrivacy(a, "id-only", "", ""))
        .hasMessageContaining("consentDigest");
  }

  @Test
  void anyFieldChangeChangesTheBytes() {
    ExchangeRecord a = Records.sample("m-1");
    ExchangeRecord b =
        new ExchangeRecord(
            a.messageId(),
            a.requestId(),
            a.side(),
            a.node(),
            a.client(),
            a.service(),
            a.method(),
            a.path(),
            403,
            a.requestTime(),
            a.responseTime(),
            a.requestBodyDigest(),
            a.responseBodyDigest(),
            a.requestSignature(),
            a.responseSignature(),
            a.userId(),
            a.issue(),
            "access.denied");
    assertThat(a.canonical()).isNotEqualTo(b.canonical());
    assertThat(a.leafHash()).isNotEqualTo(b.leafHash());
  }

  @Test
  void decodeRefusesTruncatedExtendedOrForeignBytes() {
    byte[] good = Records.sample("m-1").canonical();
    assertThatThrownBy(() -> ExchangeRecord.decode(Arrays.copyOf(good, good.length - 1)))
        .hasMessageContaining("truncated");
    assertThatThrownBy(() -> ExchangeRecord.decode(Arrays.copyOf(good, good.length + 1)))
        .hasMessageContaining("trailing");
    byte[] otherVersion = good.clone();
    otherVersion[0] = 9;
    assertThatThrownBy(() -> ExchangeRecord.decode(otherVersion)).hasMessageContaining("version");
    byte[] hugeLength = good.clone();
    hugeLength[1] = 0x7f;
    assertThatThrownBy(() -> ExchangeRecord.decode(hugeLength)).hasMessageContaining("length");
  }

  @Test
  void randomBytesNeverDecodeSilentlyWrong() {
    Random random = new Random(3);
    byte[] good = Records.sample("m-1").canonical();
    for (int i = 0; i < 2000; i++) {
      byte[] mutated = good.clone();
      mutated[random.nextInt(mutated.length)] ^= (byte) (1 + random.nextInt(255));
      try {
        ExchangeRecord decoded = ExchangeRecord.decode(mutated);
        assertThat(decoded.canonical()).isEqualTo(mutated); // decoded means it re-encodes exactly
      } catch (IllegalArgumentException expected) {
        // refused: fine
      }
    }
  }

  @Test
  void invalidRecordsAreRefused() {
    ExchangeRecord a = Records.sample("m-1");
    assertThatThrownBy(
            () ->
                new ExchangeRecord(
                    "",
                    a.requestId(),
                    a.side(),
                    a.node(),
                    a.client(),
                    a.service(),
                    a.method(),
                    a.path(),
                    a.status(),
                    a.requestTime(),
                    a.responseTime(),
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    ""))
        .hasMessageContaining("messageId");
    assertThatThrownBy(
            () ->
                new ExchangeRecord(
                    "m",
                    "",
                    a.side(),
                    a.node(),
                    a.client(),
                    a.service(),
                    "get",
                    "",
                    200,
                    a.requestTime(),
                    a.responseTime(),
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    ""))
        .hasMessageContaining("method");
    assertThatThrownBy(
            () ->
                new ExchangeRecord(
                    "m",
                    "",
                    a.side(),
                    a.node(),
                    a.client(),
                    a.service(),
                    "GET",
                    "",
                    99,
                    a.requestTime(),
                    a.responseTime(),
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    ""))
        .hasMessageContaining("status");
  }
}
